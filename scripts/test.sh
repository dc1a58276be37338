#!/usr/bin/env bash
# Run the whole test suite (the tests start their own PostgreSQL on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
.venv/bin/ruff check engine app finetune tests benchmarks
.venv/bin/lint-imports
.venv/bin/python -m pytest -q -rs "$@"
