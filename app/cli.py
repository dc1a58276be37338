"""`sqlsage gui`: the desktop app as a subcommand of the `sqlsage` CLI (registered by entry point)."""

from __future__ import annotations

from pathlib import Path


def register(sub, common) -> None:
    p = sub.add_parser("gui", help="open the desktop app (the default when `sqlsage` runs without arguments)")
    p.add_argument("--db", default=None, help="database URL to open (default: the last one, or the Chinook demo)")
    p.add_argument("--ask", default=None, metavar="QUESTION", help="ask this once the database is open")
    p.add_argument("--screenshot", type=Path, default=None, help="with --ask: save a PNG of the window after the answer, then exit")
    common(p)
    p.set_defaults(func=_run)


def _run(args) -> int:
    from app.main import run_gui

    return run_gui(db=args.db, workspace=args.workspace, question=args.ask, screenshot=args.screenshot)
