"""The public site: pages from the model, rendered, written, searchable."""
