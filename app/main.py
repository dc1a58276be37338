"""`sqlsage-gui`: the desktop query assistant."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sqlsage-gui")
    parser.add_argument("--db", default=None, help="database URL to open")
    parser.add_argument("--workspace", type=Path, default=None)
    parser.add_argument("--screenshot", type=Path, default=None, help="ask --question, save a PNG of the window, quit")
    parser.add_argument("--question", default=None)
    args = parser.parse_args(argv)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.main_window import MainWindow
    from engine.workspace import Workspace

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("sqlsage")
    win = MainWindow(Workspace(args.workspace), args.db)
    win.show()
    if args.screenshot:
        def snap(*_):
            QTimer.singleShot(300, lambda: (win.grab().save(str(args.screenshot)), app.quit()))

        if args.question:
            win.question.setPlainText(args.question)

            def when_ready():
                if win.session is None:
                    QTimer.singleShot(200, when_ready)
                else:
                    win.answered.connect(snap)
                    win.ask()

            QTimer.singleShot(200, when_ready)
        else:
            QTimer.singleShot(2000, snap)
    return app.exec()


main = run

if __name__ == "__main__":
    sys.exit(run())
