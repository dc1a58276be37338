"""`sqlsage eval`: execution accuracy of each mode on the same questions.

Prints a progress bar, a table, and as its last line exactly `EX: 0.123 (12/100)`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.eval.compare import defog_asks_order, defog_match, orders_rows, spider_match
from engine.eval.datasets import DatasetError, EvalItem, load_dataset, spider_flags
from engine.execute.runner import Database
from engine.index.entries import ExamplePair, example_entries
from engine.index.store import KnowledgeIndex
from engine.llm.registry import ModelRegistry
from engine.pipeline import AskOptions, ask
from engine.retrieval.retrieve import normalise
from engine.session import Session, open_session
from engine.settings import AskSettings, load_settings, parse_switch
from engine.workspace import Workspace

BASE_MODES = ("zero-shot", "rag")
FT_MODES = ("ft", "ft+rag")
GOLD_TIMEOUT_S = 30.0
# every gold returns no rows: an answer that matches may be right or may just find nothing too
# (Spider dev has 49, 30 of them flight_2's joins on codes stored with a leading space)
EMPTY_GOLD = "empty_gold"
PRED_TIMEOUT_S = 10.0


@dataclass
class ItemResult:
    index: int
    db_id: str
    question: str
    mode: str
    sql: str
    correct: bool
    error: str | None
    seconds: float
    category: str = ""
    flags: list[str] = field(default_factory=list)
    attempts: int = 0  # generations it took (repairs, candidates, fallback, shape samples)
    path: str = ""  # the trace's mode: "zero-shot", "rag", "zero-shot, then rag"
    rules: list[str] = field(default_factory=list)  # per attempt: the check that rejected it ("" = passed)
    fixes: list[str] = field(default_factory=list)  # what table / column linking changed, over all attempts


@dataclass
class EvalReport:
    dataset: str
    model: str
    modes: list[str]
    results: dict[str, list[ItemResult]]
    gold_errors: list[str]
    leakage_excluded: int
    example_pool: int
    levers: dict = field(default_factory=dict)
    threads: int | None = None  # model threads: latency figures depend on it
    partial: bool = False  # written while the run goes on: a killed run keeps what it measured

    def ex(self, mode: str, skip_flag: str | None = None) -> tuple[float, int, int]:
        rs = [r for r in self.results[mode] if not (skip_flag and skip_flag in r.flags)]
        correct = sum(r.correct for r in rs)
        return (correct / len(rs) if rs else 0.0), correct, len(rs)

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "model": self.model,
            "modes": self.modes,
            "threads": self.threads,
            "summary": {m: dict(zip(("ex", "correct", "total"), self.ex(m), strict=True)) | {"mean_s": _mean(self.results[m]), "p50_s": _p50(self.results[m])} for m in self.modes},
            "gold_errors": self.gold_errors,
            "leakage_guard": {"excluded_examples": self.leakage_excluded, "example_pool": self.example_pool},
            "levers": self.levers,
            **({"partial": True} if self.partial else {}),
            "items": {m: [asdict(r) for r in rs] for m, rs in self.results.items()},
        }


def _answered(prior: dict[str, dict[int, ItemResult]] | None, mode: str, it: EvalItem) -> bool:
    r = (prior or {}).get(mode, {}).get(it.index)
    return r is not None and r.question == it.question


def load_prior(path: Path, modes: list[str], levers: dict, threads: int | None) -> dict[str, dict[int, ItemResult]]:
    """The answers a killed run wrote to `path`, refused when they were measured another way."""
    try:
        data = json.loads(path.read_text())
        items = {m: {r["index"]: ItemResult(**r) for r in rs} for m, rs in data["items"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"--resume: cannot read {path} ({exc}); remove it to start afresh.") from exc
    theirs = (data.get("modes"), data.get("levers") or {}, data.get("threads"))
    if theirs != (modes, levers, threads):
        raise DatasetError(
            f"--resume: {path} was measured with modes={theirs[0]} levers={theirs[1]} threads={theirs[2]}, "
            f"not modes={modes} levers={levers} threads={threads}; use the same options or another --json file."
        )
    return items


def _mean(rs: list[ItemResult]) -> float:
    return round(statistics.fmean(r.seconds for r in rs), 3) if rs else 0.0


def _p50(rs: list[ItemResult]) -> float:
    return round(statistics.median(r.seconds for r in rs), 3) if rs else 0.0


def resolve_modes(mode: str, registry: ModelRegistry) -> list[str]:
    has_ft = any(s.adapter for s in registry.list())
    if mode == "all":
        return list(BASE_MODES) + (list(FT_MODES) if has_ft else [])
    if "," in mode:  # e.g. ft,ft+rag: several modes side by side on the same questions
        return [m for part in mode.split(",") for m in resolve_modes(part.strip(), registry)]
    if mode in FT_MODES and not has_ft:
        raise DatasetError(f"Mode {mode} needs a fine-tuned model; none is registered yet (fine-tune one first).")
    if mode not in BASE_MODES + FT_MODES:
        raise DatasetError(f"Unknown mode {mode!r}: use zero-shot, rag, ft, ft+rag or all.")
    return [mode]


def db_resolver(db: str | None, db_dir: Path | None, workspace: Workspace) -> Callable[[str], str]:
    """db_id -> URL. --db may hold '{db}' for one server with many databases."""
    if db:
        return lambda db_id: db.replace("{db}", db_id)
    if db_dir is None:
        raise DatasetError("Give --db URL (one database for every item) or --db-dir DIR (<db_id>/<db_id>.sqlite).")

    def resolve(db_id: str) -> str:
        path = Path(db_dir) / db_id / f"{db_id}.sqlite"
        if not path.exists():
            script = Path(db_dir) / db_id / f"{db_id}.sql"
            if script.exists():  # a defog PostgreSQL script: build its SQLite copy once
                from engine.eval.defog_sqlite import build_sqlite

                path = workspace.root / "eval-dbs" / db_id / f"{db_id}.sqlite"
                failed = build_sqlite(script, path)
                if failed:
                    print(f"note: {db_id}: {len(failed)} statements not carried over to SQLite", file=sys.stderr)
            else:
                raise DatasetError(f"No database for {db_id}: expected {path}")
        return f"sqlite:///{path.resolve()}"

    return resolve


def examples_index(workspace: Workspace, pairs: list[ExamplePair]) -> KnowledgeIndex:
    """A shared example pool, cached by content so repeated runs skip the embedding."""
    digest = hashlib.sha1(json.dumps([(p.question, p.sql) for p in pairs]).encode()).hexdigest()[:12]
    idx = KnowledgeIndex(workspace.root / "eval-examples" / digest)
    if not idx.exists():
        idx.build(example_entries(pairs))
    return idx


def evaluate(
    items: list[EvalItem],
    resolve: Callable[[str], str],
    workspace: Workspace,
    modes: list[str],
    model_name: str | None = None,
    example_pairs: list[ExamplePair] | None = None,
    grammar: bool = False,
    progress: Callable[[int, int], None] | None = None,
    dataset_name: str = "",
    rules: str = "spider",
    ft_model: str | None = None,
    levers: dict | None = None,
    threads: int | None = None,
    checkpoint: Callable[[EvalReport], None] | None = None,
    checkpoint_every: int = 25,
    prior: dict[str, dict[int, ItemResult]] | None = None,
    guard_items: list[EvalItem] | None = None,
    docs_for: Callable[[str], list[Path]] | None = None,
) -> EvalReport:
    """Evaluate every item in every mode; `checkpoint` gets the report so far every
    `checkpoint_every` answers (marked partial), so a killed hour-long run keeps its figures,
    and `prior` (mode -> index -> result, from such a file) is taken as answered, so it resumes.
    `guard_items` (default: `items`) are what the leakage guard keeps out of the examples: the whole
    dataset when a run evaluates a sample or a shard of it, since Spider's paraphrase pairs share gold SQL."""
    from engine.llm.loader import load_model

    registry = ModelRegistry(workspace.models_dir)
    chosen = registry.get(model_name)
    if chosen.adapter:  # a fine-tuned model was chosen: its base answers the non-ft modes
        base, ft_name = registry.get(chosen.base), ft_model or chosen.name
    else:
        base = chosen
        ft_name = ft_model or next((s.name for s in reversed(registry.list()) if s.adapter and s.base == chosen.name), None)

    # leakage guard: nothing evaluated may come back as a few-shot example
    guarded = items if guard_items is None else guard_items
    exclude = {normalise(it.question) for it in guarded} | {normalise(g) for it in guarded for g in it.gold}
    pool_idx, excluded, pool_size = None, 0, 0
    if example_pairs is not None:
        clean = [p for p in example_pairs if normalise(p.question) not in exclude and normalise(p.sql) not in exclude]
        excluded, pool_size = len(example_pairs) - len(clean), len(clean)
        pool_idx = examples_index(workspace, clean) if clean else None

    sessions: dict[str, Session] = {}
    gold_errors: list[str] = []
    match = defog_match if rules == "defog" else spider_match
    results: dict[str, list[ItemResult]] = {m: [] for m in modes}
    runnable: list[tuple[EvalItem, Session, list]] = []
    session_ws = workspace
    if (levers or {}).get("docs"):
        if docs_for is None:
            raise DatasetError("The docs lever imports the documentation beside each database: give --db-dir.")
        session_ws = Workspace(workspace.root / "eval-with-docs")
    for it in items:  # gold results once per item, shared by every mode
        url = resolve(it.db_id)
        if url not in sessions:
            if session_ws is not workspace and (files := docs_for(it.db_id)):
                from engine.importer import run_import

                run_import(session_ws, db=url, docs=files)  # as `sqlsage import --db URL --docs FILE` does
            sessions[url] = open_session(session_ws, url)
        golds = run_golds(sessions[url].db, it)
        if golds is None:
            gold_errors.append(f"#{it.index} ({it.db_id}): no gold query executes")
            continue
        runnable.append((it, sessions[url], golds))
    total, done = len(runnable) * len(modes), 0
    label = base.name + (f" (ft: {ft_name})" if any(m in FT_MODES for m in modes) else "")

    def report(partial: bool = False) -> EvalReport:
        return EvalReport(dataset_name, label, modes, {m: list(r) for m, r in results.items()}, gold_errors, excluded, pool_size,
                          dict(levers or {}), threads, partial)

    for mode in modes:  # mode-major: one model load per mode, and the KV cache stays warm
        name = ft_name if mode in FT_MODES else base.name
        if name is None:
            raise DatasetError(f"Mode {mode} needs a fine-tuned adapter for {base.name}; none is registered.")
        needed = any(not _answered(prior, mode, it) for it, _, _ in runnable)
        model = load_model(registry, name, n_threads=threads) if needed else None
        for it, session, golds in runnable:
            if _answered(prior, mode, it):
                results[mode].append(prior[mode][it.index])
                done += 1
                continue
            opts = AskOptions(
                mode="zero-shot" if mode in ("zero-shot", "ft") else "rag",
                row_cap=None,
                timeout_s=PRED_TIMEOUT_S,
                examples_index=pool_idx,
                exclude_examples=exclude,
                notes=[it.instructions] if it.instructions else [],
            )
            apply_levers(opts, {**(levers or {}), **({"grammar": True} if grammar else {})}, registry, threads)
            t = time.perf_counter()
            res = ask(it.question, session, model, opts)
            secs = time.perf_counter() - t
            correct = res.ok and matches_gold(golds, res.rows, match, session.catalog.dialect, it)
            flags = list(it.flags) + ([EMPTY_GOLD] if not any(g for _, g in golds) else [])
            results[mode].append(ItemResult(it.index, it.db_id, it.question, mode, res.sql, bool(correct), res.error, round(secs, 3), it.category, flags,
                                            len(res.trace.attempts), res.trace.mode,
                                            [a.rule for a in res.trace.attempts], [f for a in res.trace.attempts for f in a.fixes]))
            done += 1
            if progress:
                progress(done, total)
            if checkpoint and done % checkpoint_every == 0 and done < total:
                checkpoint(report(partial=True))
    for s in sessions.values():
        s.db.close()
    return report()


# the accuracy levers an evaluation can switch, each measured alone and together (benchmarks/levers.py)
LEVERS = {
    "mode": str,  # prompt override inside an ft/base mode: auto = what `sqlsage ask` does (whole schema if it fits, else retrieval)
    "grammar": bool,  # schema-constrained decoding (GBNF)
    "value_linking": bool,
    "value_hints_whole_schema": bool,  # value-linking hints in whole-schema (zero-shot / ft) prompts too
    "column_linking": bool,  # deterministic fixes of misnamed / misplaced columns (and tables)
    "table_linking": bool,  # with column_linking: a table named in the wrong number / case / spelling style
    "literal_linking": bool,  # with column_linking: a string the column never stores, respelt as it stores one
    "rag_fallback": bool,  # a failed whole-schema answer is asked again with retrieval
    "candidates": int,  # execution-guided selection among N sampled candidates
    "skeleton_samples": int,  # sampled alternatives when the SQL lacks what the question's words ask for
    "resample_empty": bool,  # with skeleton_samples: an empty result is resampled too
    "resample_unread": bool,  # with skeleton_samples: an answer reading no column the question spells is resampled too
    "failure_samples": int,  # sampled alternatives for an answer that still fails after repairs and fallback
    "schema_style": str,  # compact | ddl
    "schema_samples": bool,  # sample values in the schema text
    "k_examples": int,  # retrieved few-shot examples (rag modes)
    "k_tables": int,  # retrieved tables (rag modes)
    "fallback_model": str,  # a second model asked again when the first one's answer fails or is empty ("" = none)
    "fallback_when_lacking": bool,  # with fallback_model: also when the answer runs but lacks what the question asks for
    "docs": bool,  # each database's documentation beside it in --db-dir (defog's column docs, glossary) imported first
}


def ask_levers(s: AskSettings) -> dict:
    """The levers that make an eval mode answer exactly as `sqlsage ask` does with settings `s`:
    read off the AskOptions those settings make, so a new setting needs no second mapping here."""
    opts = s.options()
    levers = {k: getattr(opts, k) for k in LEVERS if k not in ("grammar", "fallback_model") and hasattr(opts, k)}
    return levers | {"grammar": opts.grammar is not None, "fallback_model": s.fallback_model}


def docs_beside(db_dir: Path) -> Callable[[str], list[Path]]:
    """db_id -> the documentation files next to its database (<db_id>/<db_id>.json|.csv|.md), which
    a user would hand to `sqlsage import --docs`; defog ships column docs and a glossary that way."""

    def find(db_id: str) -> list[Path]:
        return [p for p in (Path(db_dir) / db_id / f"{db_id}{ext}" for ext in (".json", ".csv", ".md")) if p.exists()]

    return find


def parse_levers(assignments: list[str]) -> dict:
    """`--lever candidates=3 --lever value_linking=off` → typed values, unknown names refused."""
    out: dict = {}
    for text in assignments:
        key, _, raw = text.partition("=")
        key = key.strip().replace("-", "_")
        if key not in LEVERS or not (raw or key == "fallback_model"):  # fallback_model= : none
            raise DatasetError(f"--lever {text!r}: expected KEY=VALUE with KEY one of {', '.join(LEVERS)}")
        kind = LEVERS[key]
        if kind is bool:
            try:
                out[key] = parse_switch(key, raw)
            except ValueError as exc:
                raise DatasetError(f"--lever {text!r}: {exc}") from exc
        elif kind is int:
            out[key] = int(raw)
        elif key == "fallback_model":
            out[key] = "" if raw.lower() in ("none", "off") else raw
        elif key == "mode" and raw not in ("auto", "zero-shot", "rag"):
            raise DatasetError(f"--lever {text!r}: mode is auto, zero-shot or rag")
        else:
            out[key] = raw
    return out


def apply_levers(opts: AskOptions, levers: dict, registry: ModelRegistry | None = None, threads: int | None = None) -> AskOptions:
    """Set the levers on opts; a fallback model comes from the registry and loads, as in `ask`, only when first asked."""
    for key, value in levers.items():
        if key == "fallback_model":
            if value and registry is None:
                raise DatasetError("the fallback_model lever needs the model registry")
            from engine.llm.loader import LazyModel

            opts.fallback_model = LazyModel(registry, value, n_threads=threads) if value else None
        elif key == "docs":
            continue  # imported into the session's catalog and index when it opens, not an ask option
        elif key == "grammar":
            from engine.sql.grammar import schema_grammar

            opts.grammar = schema_grammar if value else None
        elif key in ("k_examples", "k_tables"):
            setattr(opts.retrieval, key, value)
        else:
            setattr(opts, key, value)
    return opts


def run_golds(db: Database, it: EvalItem) -> list[tuple[str, list[list]]] | None:
    """Each gold query of the item that runs, with its rows; None when none does."""
    out = []
    for sql in it.gold:
        try:
            out.append((sql, db.run(sql, row_cap=None, timeout_s=GOLD_TIMEOUT_S).rows))
        except Exception:  # noqa: BLE001 - a gold that does not run is reported, not fatal
            continue
    return out or None


def matches_gold(golds: list[tuple[str, list[list]]], rows: list, match: Callable, dialect: str, it: EvalItem) -> bool:
    """Whether `rows` match `it`'s golds under the set's rules: row order only where the gold sorts,
    and for defog only where the question asks for an order too (as defog's own comparison does)."""
    asked = match is not defog_match or defog_asks_order(it.question, it.category)
    return any(match(g, rows, asked and orders_rows(sql, dialect)) for sql, g in golds)


def format_report(report: EvalReport) -> str:
    modes = report.modes
    w = max(12, *(len(m) + 2 for m in modes))
    lines = [f"dataset: {report.dataset}   model: {report.model}" + (f"   threads: {report.threads}" if report.threads else "")]
    if report.levers:
        lines.append("levers: " + ", ".join(f"{k}={v}" for k, v in report.levers.items()))
    lines.append(
        f"leakage guard: examples index excludes every question and gold SQL of the dataset "
        f"({report.leakage_excluded} pairs removed, {report.example_pool} in the pool)"
    )
    head = f"{'':<22}" + "".join(f"{m:>{w}}" for m in modes)
    lines += [head, "-" * len(head)]
    lines.append(f"{'EX':<22}" + "".join(f"{report.ex(m)[0]:>{w}.3f}" for m in modes))
    lines.append(f"{'correct/total':<22}" + "".join(f"{f'{report.ex(m)[1]}/{report.ex(m)[2]}':>{w}}" for m in modes))
    lines.append(f"{'mean latency s':<22}" + "".join(f"{_mean(report.results[m]):>{w}.2f}" for m in modes))
    lines.append(f"{'p50 latency s':<22}" + "".join(f"{_p50(report.results[m]):>{w}.2f}" for m in modes))
    cats = sorted({r.category for rs in report.results.values() for r in rs if r.category})
    for c in cats:
        row = []
        for m in modes:
            rs = [r for r in report.results[m] if r.category == c]
            row.append(f"{sum(r.correct for r in rs)}/{len(rs)}")
        lines.append(f"{'  ' + c:<22}" + "".join(f"{x:>{w}}" for x in row))
    if any("reconstructed" in r.flags for rs in report.results.values() for r in rs):
        lines.append(f"{'EX w/o reconstructed':<22}" + "".join(f"{report.ex(m, 'reconstructed')[0]:>{w}.3f}" for m in modes))
    if any(EMPTY_GOLD in r.flags for rs in report.results.values() for r in rs):
        lines.append(f"{'EX w/o empty golds':<22}" + "".join(f"{report.ex(m, EMPTY_GOLD)[0]:>{w}.3f}" for m in modes))
    if report.gold_errors:
        lines.append(f"gold queries that do not execute ({len(report.gold_errors)}): " + "; ".join(report.gold_errors[:10]))
    return "\n".join(lines)


def _write_report(path: Path, report: EvalReport) -> None:
    from engine.catalog.model import write_atomic

    write_atomic(path, json.dumps(report.to_dict(), indent=1, default=str))


def run_eval_cli(args: argparse.Namespace) -> int:
    from engine.cli import _progress

    ws = Workspace(args.workspace)
    try:
        items = load_dataset(args.dataset)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.dataset.name == "dev.json":
        spider_flags(items, args.dataset.parent / "dev_databases.json")
    whole = items  # the leakage guard keeps every question of the file out of the examples, not just this slice's
    if args.sample:  # a fixed-seed random sample spread over all databases
        import random

        items = sorted(random.Random(args.seed).sample(items, min(args.sample, len(items))), key=lambda i: i.index)
    if args.limit:
        items = items[: args.limit]
    if args.shard:  # K/N: the K-th of N contiguous slices, so N processes can share one run
        try:
            k, n = (int(x) for x in args.shard.split("/"))
        except ValueError:
            k, n = 0, 0
        if not 1 <= k <= n:
            print(f"error: --shard {args.shard!r}: expected K/N with 1 <= K <= N, e.g. 2/2", file=sys.stderr)
            return 2
        size = -(-len(items) // n)
        items = items[(k - 1) * size : k * size]
    rules = "defog" if args.dataset.suffix.lower() == ".csv" else "spider"
    registry = ModelRegistry(ws.models_dir)
    try:
        modes = resolve_modes(args.mode, registry)
        resolve = db_resolver(args.db, args.db_dir, ws)
        pairs = None
        if args.examples:
            pairs = [ExamplePair(i.question, i.gold[0], i.db_id) for i in load_dataset(args.examples)]
        levers = parse_levers(args.lever or [])
        settings = load_settings(ws)
        if args.as_ask:
            levers = ask_levers(settings) | levers
        threads = args.threads or settings.threads
        prior = None
        if args.resume:
            if not args.json_out:
                raise DatasetError("--resume needs --json FILE: the answers are taken from that file.")
            if args.json_out.exists():
                prior = load_prior(args.json_out, modes, levers, threads)
                print(f"resuming: {sum(map(len, prior.values()))} answers taken from {args.json_out}", file=sys.stderr)
        report = evaluate(
            items, resolve, ws, modes, args.model, pairs, args.grammar, _progress("eval"), args.dataset.name, rules,
            args.ft_model, levers, threads,
            checkpoint=(lambda r: _write_report(args.json_out, r)) if args.json_out else None, prior=prior,
            guard_items=whole, docs_for=docs_beside(args.db_dir) if args.db_dir else None,
        )
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.json_out:
        _write_report(args.json_out, report)
    ex, correct, total = report.ex(modes[-1])
    print(f"EX: {ex:.3f} ({correct}/{total})")
    return 0
