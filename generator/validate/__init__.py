"""Checking the data: the Table Schemas (schema.py, columnar.py), the plan's rules (rules/) and the
reports of what was found (report.py, report_markdown.py). Gathering a city to check — loading,
settings, the model, shards — is generator/gather.py."""
