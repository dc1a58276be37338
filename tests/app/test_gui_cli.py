"""`sqlsage gui --ask --screenshot` (used for docs and checks) and `sqlsage` alone opening the app."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("pytestqt")


def gui(*args, workspace):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "engine.cli", "gui", *args, "--workspace", str(workspace)],
                          capture_output=True, text=True, timeout=600, env=env)


def test_ask_and_screenshot_with_the_real_model(tmp_path, chinook_url):
    shot = tmp_path / "answer.png"
    out = gui("--db", chinook_url, "--ask", "How many albums are there?", "--screenshot", str(shot), workspace=tmp_path / "ws")
    assert out.returncode == 0, out.stderr  # the bundled model answers this one (the demo question)
    from PySide6.QtGui import QImage

    img = QImage(str(shot))
    assert img.width() >= 1000 and img.height() >= 600


def test_a_failed_ask_exits_non_zero(tmp_path):
    shot = tmp_path / "failed.png"
    out = gui("--db", f"sqlite:///{tmp_path}/missing.db", "--ask", "anything", "--screenshot", str(shot), workspace=tmp_path / "ws")
    assert out.returncode == 1
    assert shot.exists()


def test_sqlsage_without_arguments_opens_the_gui(monkeypatch):
    import app.main
    from engine import cli

    seen = {}
    monkeypatch.setattr(app.main, "run_gui", lambda **kw: seen.update(kw) or 7)
    assert cli.main([]) == 7 and seen["db"] is None and seen["question"] is None
