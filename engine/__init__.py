"""sqlsage's headless engine: schema, index, model, SQL checks, execution, evaluation, CLI."""

import os

# lance logs a deprecation warning on every hybrid search; keep the terminal for answers
os.environ.setdefault("LANCEDB_LOG", "error")
