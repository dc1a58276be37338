"""The `sqlsage` command line: everything the GUI does, scriptable and testable without a screen."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.execute.connect import ConnectionProblem
from engine.index.store import IndexMissing
from engine.llm.gguf_check import ModelFileProblem
from engine.llm.registry import UnknownModel
from engine.workspace import Workspace

ASSETS = Path(__file__).resolve().parents[1] / "assets"
DEMO_DB = ASSETS / "chinook.sqlite"
DEMO_QUESTION = "How many albums are there?"

USER_ERRORS = (ConnectionProblem, IndexMissing, ModelFileProblem, UnknownModel, FileNotFoundError, ValueError)


def _progress(label: str):
    """A one-line text progress bar on stderr."""

    def update(done: int, total: int, *_: object) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return update


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", type=Path, default=None, help="state directory (default: the user data dir)")


def cmd_ask(args: argparse.Namespace) -> int:
    from engine.llm.loader import load_fallback, load_model
    from engine.llm.registry import ModelRegistry
    from engine.pipeline import ask
    from engine.session import open_session
    from engine.settings import load_settings

    ws = Workspace(args.workspace)
    settings = load_settings(ws)  # the GUI's settings; flags given here win
    for flag, name in (("repairs", "repair_attempts"), ("row_cap", "row_cap")):
        if getattr(args, flag) is not None:
            setattr(settings, name, getattr(args, flag))
    settings.constrained_decoding = settings.constrained_decoding or args.grammar
    session = open_session(ws, args.db, progress=None if args.json else _progress("indexing"))
    registry = ModelRegistry(ws.models_dir)
    model = load_model(registry, args.model, server_url=args.server, n_threads=settings.threads, n_ctx=settings.context_size)
    options = settings.check().options(mode=args.mode, fallback_model=load_fallback(registry, settings, model))
    result = ask(args.question, session, model, options)
    ws.append_jsonl(args.db, "history.jsonl", {"question": args.question, "sql": result.sql, "error": result.error})
    if args.json:
        print(json.dumps(result.to_dict(), default=str, indent=1))
        return 0 if result.ok else 1
    print(result.sql or "(no SQL)")
    if result.error:
        print(f"error: {result.error}", file=sys.stderr)
        return 1
    print(" | ".join(result.columns))
    for row in result.rows[: args.show]:
        print(" | ".join("NULL" if v is None else str(v) for v in row))
    more = len(result.rows) - args.show
    if more > 0 or result.truncated:
        print(f"… {max(more, 0)} more rows shown in --json{' (capped)' if result.truncated else ''}")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from engine.session import open_session

    ws = Workspace(args.workspace)
    session = open_session(ws, args.db, refresh=True, progress=_progress("embedding"))
    n = len(session.catalog.tables)
    print(f"Indexed {n} tables of {session.catalog.name} into {session.index.root} (build {session.index.current()})")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from engine.llm.registry import ModelRegistry, ModelSpec, guess_style

    ws = Workspace(args.workspace)
    reg = ModelRegistry(ws.models_dir)
    if args.action == "add":
        from engine.llm.gguf_check import check_gguf

        path = Path(args.path).resolve()
        check_gguf(path)
        spec = ModelSpec(name=args.name or path.stem, path=str(path), prompt_style=args.style or guess_style(path), source="user")
        reg.add(spec)
        print(f"Added {spec.name} ({spec.prompt_style}) from {path}")
        return 0
    if args.action == "activate":
        reg.set_active(args.name)
        print(f"Active model: {args.name}")
        return 0
    active = reg.active()
    for spec in reg.list():
        mark = "*" if spec.name == active else " "
        print(f"{mark} {spec.name:<20} {spec.source:<9} {spec.prompt_style:<7} {spec.description or spec.path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """One answer on the Chinook demo database (the GUI is `sqlsage-gui`: app/ imports engine/, not the reverse)."""
    ns = argparse.Namespace(
        workspace=args.workspace, db=f"sqlite:///{DEMO_DB}", question=args.question, model=None, server=None,
        mode="auto", repairs=None, row_cap=None, json=False, show=10, grammar=False,
    )
    print(f"Q: {args.question}")
    return cmd_ask(ns)


def cmd_import(args: argparse.Namespace) -> int:
    from engine.importer import run_import

    summary = run_import(
        Workspace(args.workspace), db=args.db, ddl=args.ddl, dialect=args.dialect, name=args.name,
        docs=args.docs, examples=args.examples, progress=_progress("import"),
    )
    print("\n".join(summary.lines()))
    return 0


def cmd_connections(args: argparse.Namespace) -> int:
    import getpass

    from engine.connections import NoKeyring, list_connections, remove_connection, save_connection, test

    ws = Workspace(args.workspace)
    if args.action == "add":
        conn, warning = save_connection(ws, args.name, args.url)
        if warning:
            print(f"note: {warning}", file=sys.stderr)
        print(f"saved {conn.name}: {conn.url}")
        return 0
    if args.action == "remove":
        remove_connection(ws, args.name)
        return 0
    conns = list_connections(ws)
    if args.action == "test":
        conn = next((c for c in conns if c.name == args.name), None)
        if conn is None:
            print(f"error: no saved connection {args.name!r}", file=sys.stderr)
            return 2
        try:
            print(test(conn))
        except NoKeyring as exc:
            print(str(exc), file=sys.stderr)
            print(test(conn, getpass.getpass("Password: ")))
        return 0
    for c in conns:
        print(f"{c.name:<20} {c.url}{'  (password in keyring)' if c.has_password else ''}")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from engine.settings import AskSettings, load_settings, parse_assignment, save_settings

    ws = Workspace(args.workspace)
    settings = AskSettings() if args.action == "reset" else load_settings(ws)
    for assignment in args.assignments if args.action == "set" else []:
        settings = parse_assignment(settings, assignment)
    if settings.fallback_model:
        from engine.llm.registry import ModelRegistry

        ModelRegistry(ws.models_dir).get(settings.fallback_model)  # an unknown name is refused, with the known ones
    if args.action in ("set", "reset"):
        save_settings(ws, settings)
    for key, value in asdict(settings).items():
        print(f"{key:<22} {value}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from engine.eval.harness import run_eval_cli

    return run_eval_cli(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sqlsage", description="Ask questions about your database, locally.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ask", help="answer one question with SQL and rows")
    p.add_argument("question")
    p.add_argument("--db", required=True, help="SQLAlchemy URL, e.g. sqlite:///file.db")
    p.add_argument("--model", default=None, help="model name from `sqlsage models`, or a .gguf path")
    p.add_argument("--server", default=None, help="OpenAI-compatible server URL instead of in-process llama.cpp")
    p.add_argument("--mode", choices=["auto", "rag", "zero-shot"], default="auto")
    p.add_argument("--repairs", type=int, default=None, help="repair attempts (default: `sqlsage settings`)")
    p.add_argument("--row-cap", type=int, default=None, help="row cap (default: `sqlsage settings`)")
    p.add_argument("--grammar", action="store_true", help="schema-constrained decoding (GBNF)")
    p.add_argument("--json", action="store_true", help="print the AskResult as JSON")
    p.add_argument("--show", type=int, default=20, help="rows to print")
    _common(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("index", help="(re)build the catalog and knowledge index of a database")
    p.add_argument("--db", required=True)
    _common(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("import", help="import a schema (connection or DDL files), docs and example pairs")
    p.add_argument("--db", default=None, help="reflect this database")
    p.add_argument("--ddl", nargs="+", type=Path, default=None, help="DDL files (.sql), or a Spider tables.json")
    p.add_argument("--dialect", default="postgres", help="dialect of the DDL files (any sqlglot reads)")
    p.add_argument("--name", default=None, help="name of an offline (DDL-only) catalog")
    p.add_argument("--docs", nargs="+", type=Path, default=None, help="column docs (.json/.csv) or notes (.md)")
    p.add_argument("--examples", nargs="+", type=Path, default=None, help="question→SQL pairs (.json/.csv)")
    _common(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("connections", help="saved connections (passwords live in the OS keyring)")
    p.add_argument("action", nargs="?", choices=["list", "add", "test", "remove"], default="list")
    p.add_argument("name", nargs="?")
    p.add_argument("url", nargs="?")
    _common(p)
    p.set_defaults(func=cmd_connections)

    p = sub.add_parser("settings", help="show or change ask settings (threads, context, temperature, row cap…)")
    p.add_argument("action", nargs="?", choices=["show", "set", "reset"], default="show")
    p.add_argument("assignments", nargs="*", metavar="KEY=VALUE", help="with set, e.g. row_cap=500 constrained_decoding=on")
    _common(p)
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("models", help="list, add or activate models")
    p.add_argument("action", nargs="?", choices=["list", "add", "activate"], default="list")
    p.add_argument("path", nargs="?", help="with add: a .gguf file")
    p.add_argument("--name", default=None)
    p.add_argument("--style", choices=["chatml", "plain"], default=None)
    _common(p)
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("demo", help="the bundled model on the Chinook demo database")
    p.add_argument("--question", default=DEMO_QUESTION)
    _common(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("eval", help="execution accuracy of a mode on a dataset")
    p.add_argument("--dataset", required=True, type=Path)
    p.add_argument("--db", default=None, help="one database URL for every item")
    p.add_argument("--db-dir", default=None, type=Path, help="holds <db_id>/<db_id>.sqlite")
    p.add_argument("--mode", default="rag", help="zero-shot, rag, ft, ft+rag or all")
    p.add_argument("--model", default=None)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--sample", type=int, default=None, help="evaluate a fixed-seed random sample of N questions")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--shard", default=None, metavar="K/N", help="only the K-th of N contiguous slices (after --sample/--limit), to split a run over processes")
    p.add_argument("--json", dest="json_out", type=Path, default=None)
    p.add_argument("--as-ask", action="store_true", help="use the saved `sqlsage settings` as levers (auto mode, fallback, samples…): measure what `sqlsage ask` does; --lever still overrides")
    p.add_argument("--resume", action="store_true", help="take the answers already in the --json file (a killed run's checkpoint) and ask only the rest")
    p.add_argument("--examples", type=Path, default=None, help="question→SQL pairs (Spider JSON) for the examples index")
    p.add_argument("--grammar", action="store_true")
    p.add_argument("--ft-model", default=None, help="fine-tuned model for the ft modes (default: the newest)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for the model (default: the saved setting)")
    p.add_argument("--lever", action="append", default=None, metavar="KEY=VALUE",
                   help="accuracy lever, e.g. candidates=3, value_linking=off, schema_style=ddl, k_examples=0")
    _common(p)
    p.set_defaults(func=cmd_eval)
    _plugins(sub)
    parser.command_names = set(sub.choices)  # what main() can default to
    return parser


def _plugins(sub) -> None:
    """Commands other packages add (finetune/ registers `sqlsage finetune`), so engine/ never imports them."""
    from importlib.metadata import entry_points

    for ep in entry_points(group="sqlsage.commands"):
        try:
            ep.load()(sub, _common)
        except ImportError:
            continue


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv:  # `sqlsage` alone opens the desktop app when it is installed
        if "gui" not in parser.command_names:
            parser.print_help()
            return 2
        argv = ["gui"]
    args = parser.parse_args(argv)
    if args.command == "models" and args.action == "add" and not args.path:
        print("error: `sqlsage models add` needs a .gguf path", file=sys.stderr)
        return 2
    if args.command == "models" and args.action == "activate" and not args.name:
        print("error: `sqlsage models activate --name NAME`", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
