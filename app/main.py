"""Start the desktop query assistant (`sqlsage`, `sqlsage gui`, `sqlsage-gui`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def first_database(ws) -> str:
    """The last database opened, else the Chinook demo: a new user can ask within a minute."""
    from engine.cli import DEMO_DB

    last = ws.settings().get("last_db")
    return last or f"sqlite:///{DEMO_DB}"


def save_window(win, path: Path) -> None:
    """Real screen pixels under a display server (xcb), the widget's own rendering offscreen."""
    from PySide6.QtGui import QGuiApplication

    path.parent.mkdir(parents=True, exist_ok=True)
    if QGuiApplication.platformName() == "xcb":
        pixmap = win.screen().grabWindow(win.winId())
    else:
        pixmap = win.grab()
    if not pixmap.save(str(path)):
        raise OSError(f"could not write {path}")


def run_gui(db: str | None = None, workspace: Path | None = None, question: str | None = None, screenshot: Path | None = None) -> int:
    """Open the window; with question + screenshot: ask, save the window, exit 0 (1 if the ask failed)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.main_window import MainWindow
    from app.theme import apply_system_palette
    from engine.workspace import Workspace

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("sqlsage")
    apply_system_palette(app)
    ws = Workspace(workspace)
    win = MainWindow(ws, db or first_database(ws))
    win.show()
    outcome = {"code": 0}

    def finish(code: int) -> None:
        outcome["code"] = code
        if screenshot:
            QTimer.singleShot(300, lambda: (save_window(win, screenshot), app.exit(code)))

    win.failed.connect(lambda _msg: finish(1))
    if question:
        win.question.setPlainText(question)
        win.answered.connect(lambda result: finish(0 if result.ok else 1))

        def when_ready():
            if win.session is None:
                QTimer.singleShot(200, when_ready)
            else:
                win.ask()

        QTimer.singleShot(200, when_ready)
    elif screenshot:
        win.connected.connect(lambda _s: finish(0))
    code = app.exec()
    return code or outcome["code"]


def run(argv: list[str] | None = None) -> int:
    """`sqlsage-gui`, kept for existing shortcuts; the same as `sqlsage gui`."""
    parser = argparse.ArgumentParser(prog="sqlsage-gui")
    parser.add_argument("--db", default=None, help="database URL to open")
    parser.add_argument("--workspace", type=Path, default=None)
    parser.add_argument("--ask", "--question", dest="question", default=None)
    parser.add_argument("--screenshot", type=Path, default=None, help="with --ask: save a PNG of the window, quit")
    args = parser.parse_args(argv)
    return run_gui(args.db, args.workspace, args.question, args.screenshot)


main = run

if __name__ == "__main__":
    sys.exit(run())
