#!/usr/bin/env bash
# Screenshots for the docs: the main window as a real X11 window under Xvfb, answering on the
# Chinook demo with the bundled model, and the dialogs rendered offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=docs/screenshots
WS=$(mktemp -d)
xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/sqlsage gui --workspace "$WS" \
  --db "sqlite:///$PWD/assets/chinook.sqlite" \
  --ask "Which 5 artists have the most albums? Show their names." --screenshot "$OUT/main_window.png"
.venv/bin/python scripts/screenshot_dialogs.py "$OUT"
# the fine-tune wizard's pages and the model manager, from the wizard's end-to-end test
SQLSAGE_SCREENSHOTS="$PWD/$OUT" QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q tests/app/test_finetune_wizard.py
rm -rf "$WS"
