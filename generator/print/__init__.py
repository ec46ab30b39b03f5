"""Notice-board sheets (公开栏): the model → sheets (pure) → HTML → PDF (headless Chromium)."""
