"""`sqlsage finetune …`: registered into the engine's CLI through the sqlsage.commands entry point."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path


def register(sub, common) -> None:
    p = sub.add_parser("finetune", help="LoRA fine-tune the SQL model on question→SQL pairs")
    fsub = p.add_subparsers(dest="ft_command", required=True)

    q = fsub.add_parser("prepare", help="collect, validate and split training pairs into a run directory")
    q.add_argument("--run", required=True, type=Path)
    q.add_argument("--spider", action="append", type=Path, default=[], help="Spider-style JSON of pairs (BIRD's too: its evidence becomes the prompt's notes)")
    q.add_argument("--tables", action="append", type=Path, default=[], help="Spider tables.json with their schemas (repeat for BIRD's dev_tables.json)")
    q.add_argument("--csv", action="append", type=Path, default=[])
    q.add_argument("--saved-db", default=None, help="include the 👍 pairs saved for this database")
    q.add_argument("--synthetic-db", default=None, help="generate templated pairs from this database")
    q.add_argument("--synthetic-count", type=int, default=200)
    q.add_argument("--behaviours", type=int, default=0, metavar="N", help="add N templated ratio and date pairs over the --tables schemas the other pairs train on (SQLite behaviour Spider lacks)")
    q.add_argument("--exclude-db", action="append", default=[], help="db_id never to train on (evaluated sets)")
    q.add_argument("--max-eval", type=int, default=60)
    common(q)
    q.set_defaults(func=cmd_prepare)

    t = fsub.add_parser("train", help="train (or resume) the LoRA in a prepared run directory")
    t.add_argument("--run", required=True, type=Path)
    t.add_argument("--base", default="smollm2-135m")
    t.add_argument("--preset", choices=["quick", "balanced", "thorough"], default="balanced")
    t.add_argument("--max-steps", type=int, default=None)
    t.add_argument("--rank", type=int, default=None)
    t.add_argument("--alpha", type=int, default=None)
    t.add_argument("--lr", type=float, default=None)
    t.add_argument("--epochs", type=float, default=None)
    t.add_argument("--max-length", type=int, default=None)
    t.add_argument("--checkpoint-every", type=int, default=None)
    t.add_argument("--grad-accum", type=int, default=None, help="examples per optimizer step")
    t.add_argument("--backend", choices=["auto", "peft", "unsloth"], default="auto", help="auto: Unsloth on a CUDA GPU, PEFT on the CPU")
    t.add_argument("--eval-every", type=int, default=None, help="steps between held-out loss measurements (0: never)")
    t.add_argument("--targets", choices=["attention", "all-linear"], default=None, help="layers the LoRA adapts (default: attention); with --start-from, added to the adapter's own")
    t.add_argument("--seed", type=int, default=None, help="shuffles the example order (a continued run wants a new order)")
    t.add_argument("--start-from", default=None, metavar="MODEL|ADAPTER.gguf", help="continue from this version's LoRA adapter (e.g. smollm2-135m-sql) instead of a fresh one")
    t.add_argument("--jsonl", action="store_true", help="print the worker's events (progress, done, error) as JSON lines")
    common(t)
    t.set_defaults(func=cmd_train)

    e = fsub.add_parser("export", help="export the run's adapter to GGUF and register it as a new version")
    e.add_argument("--run", required=True, type=Path)
    e.add_argument("--base", default="smollm2-135m")
    e.add_argument("--name", default=None)
    e.add_argument("--activate", action="store_true")
    common(e)
    e.set_defaults(func=cmd_export)

    c = fsub.add_parser("compare", help="EX of the base vs a fine-tune on the run's held-out pairs and the saved pairs (regression set)")
    c.add_argument("--run", required=True, type=Path)
    c.add_argument("--db", required=True, help="the database the pairs ask about")
    c.add_argument("--base", default="smollm2-135m")
    c.add_argument("--finetuned", required=True, help="a version name from `sqlsage finetune versions`")
    common(c)
    c.set_defaults(func=cmd_compare)

    i = fsub.add_parser("import", help="register a LoRA adapter .gguf as a new version (rollback keeps the old ones)")
    i.add_argument("adapter", type=Path)
    i.add_argument("--base", default=None, help="base model (default: the bundled one of the adapter's architecture)")
    common(i)
    i.set_defaults(func=cmd_import_adapter)

    v = fsub.add_parser("versions", help="list fine-tuned versions")
    common(v)
    v.set_defaults(func=cmd_versions)

    r = fsub.add_parser("rollback", help="re-activate the previously active model")
    common(r)
    r.set_defaults(func=cmd_rollback)

    d = fsub.add_parser("delete", help="delete a fine-tuned version (not the active one)")
    d.add_argument("name")
    common(d)
    d.set_defaults(func=cmd_delete)


def _ws(args):
    from engine.workspace import Workspace

    return Workspace(args.workspace)


def cmd_prepare(args) -> int:
    from finetune.workflow import DataSources, prepare

    src = DataSources(
        spider_json=args.spider, spider_tables=args.tables, csv_files=args.csv, saved_db=args.saved_db,
        synthetic_db=args.synthetic_db, synthetic_count=args.synthetic_count, behaviours=args.behaviours, exclude_dbs=set(args.exclude_db),
        max_eval=args.max_eval,
    )
    info = prepare(args.run, _ws(args), src)
    print(f"train pairs: {info.train}   held-out pairs: {info.eval}   invalid (not used): {len(info.invalid)}")
    for line in info.invalid[:10]:
        print("  invalid:", line)
    print("sources:", json.dumps(info.sources))
    return 0


def cmd_train(args) -> int:
    from finetune.process import TrainingFailed
    from finetune.train import PRESETS, TARGET_SETS, TrainConfig
    from finetune.workflow import run_training, start_adapter

    cfg = TrainConfig(base_model=args.base, backend=args.backend, **PRESETS[args.preset])
    if args.start_from:
        try:
            cfg.init_adapter = start_adapter(_ws(args), args.start_from, args.base)
        except (ValueError, KeyError) as exc:
            sys.stderr.write(f"--start-from: {exc}\n")
            return 2
    if args.targets:
        cfg.targets = TARGET_SETS[args.targets]
    for key, val in (("max_steps", args.max_steps), ("rank", args.rank), ("alpha", args.alpha), ("learning_rate", args.lr), ("epochs", args.epochs), ("max_length", args.max_length), ("checkpoint_every", args.checkpoint_every), ("grad_accum", args.grad_accum), ("eval_every", args.eval_every), ("seed", args.seed)):
        if val is not None:
            setattr(cfg, key, val)
    stop = {"now": False}

    def on_signal(*_):
        stop["now"] = True  # the worker finishes the step, saves a checkpoint, exits: resumable

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    last_eval = {"loss": None}

    def progress(p):
        if p.eval_loss is not None:
            last_eval["loss"] = p.eval_loss
        held = f" eval {last_eval['loss']:.3f}" if last_eval["loss"] is not None else ""
        bar = "#" * int(30 * p.step / max(p.total_steps, 1))
        sys.stderr.write(f"\r[{bar:<30}] step {p.step}/{p.total_steps} loss {p.loss:.3f}{held} eta {p.eta_seconds / 60:.1f} min rss {p.rss_mb:.0f} MB")
        sys.stderr.flush()

    def echo(event):
        print(json.dumps(event), flush=True)

    try:
        res = run_training(args.run, _ws(args), cfg, None if args.jsonl else progress, lambda: stop["now"], echo if args.jsonl else None)
    except TrainingFailed as exc:
        sys.stderr.write(f"\ntraining failed: {exc}\n")
        return 1
    sys.stderr.write("\n")
    state = "stopped (resume with the same command)" if res.stopped else "finished"
    print(f"{state}: {res.steps} steps, last loss {res.final_loss:.3f}, {res.seconds:.0f} s, backend {res.backend}")
    return 0


def cmd_export(args) -> int:
    from engine.llm.registry import ModelRegistry
    from finetune.workflow import export_and_register

    ws = _ws(args)
    spec = export_and_register(args.run, ws, args.base, name=args.name)
    print(f"registered {spec.name}: {spec.adapter}")
    if args.activate:
        ModelRegistry(ws.models_dir).set_active(spec.name)
        print(f"active model: {spec.name}")
    return 0


def cmd_compare(args) -> int:
    """What the wizard's Evaluate page shows, as text."""
    from finetune.evaluate import compare_models, held_out_items, regression_items

    ws = _ws(args)
    items = held_out_items(args.run)
    items += regression_items(ws, args.db, len(items))
    comp = compare_models(ws, items, lambda _db: args.db, args.base, args.finetuned)
    print("\n".join(comp.lines()))
    return 0


def cmd_import_adapter(args) -> int:
    from finetune.versions import import_adapter

    spec = import_adapter(_ws(args), args.adapter, args.base)
    print(f"registered {spec.name} (LoRA on {spec.base}); activate it with `sqlsage models activate --name {spec.name}`")
    return 0


def cmd_versions(args) -> int:
    from engine.llm.registry import ModelRegistry
    from finetune.versions import list_versions

    ws = _ws(args)
    active = ModelRegistry(ws.models_dir).active()
    for v in list_versions(ws):
        mark = "*" if v["name"] == active else " "
        print(f"{mark} {v['name']:<28} {v['created']}  {v['size_bytes'] / 1e6:.1f} MB  metrics={json.dumps(v['metrics'])}")
    return 0


def cmd_rollback(args) -> int:
    from engine.llm.registry import ModelRegistry

    print(f"active model: {ModelRegistry(_ws(args).models_dir).rollback()}")
    return 0


def cmd_delete(args) -> int:
    from finetune.versions import delete_version

    delete_version(_ws(args), args.name)
    print(f"deleted {args.name}")
    return 0

