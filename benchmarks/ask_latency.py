"""Per-stage latency of `ask` on 20 Chinook questions, cold (first question, fresh model) and warm.

Writes benchmarks/results/ask_latency.json and prints p50/p95 per stage.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.eval.harness import apply_levers, parse_levers  # noqa: E402
from engine.llm.loader import load_fallback, load_model  # noqa: E402
from engine.llm.registry import ModelRegistry  # noqa: E402
from engine.pipeline import ask  # noqa: E402
from engine.session import open_session  # noqa: E402
from engine.settings import AskSettings  # noqa: E402
from engine.workspace import Workspace  # noqa: E402

QUESTIONS = [
    "How many albums are there?", "List the names of all artists.", "How many tracks are in each genre?",
    "Which customers live in Brazil?", "What is the total of all invoices?", "List the titles of albums by AC/DC.",
    "How many employees are there?", "What are the names of all playlists?", "Which country has the most customers?",
    "What is the longest track?", "How many invoices were billed to the USA?", "List all media types.",
    "What is the average invoice total?", "Which employee is the sales manager?", "How many tracks does each album have?",
    "List customers with their support rep.", "What genres exist?", "How many invoice lines are there?",
    "Which artist has the most albums?", "List the 5 most expensive tracks.",
]
STAGES = ("retrieve", "generate", "validate", "execute", "total")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--grammar", action="store_true")
    ap.add_argument("--mode", default="auto", choices=["auto", "rag", "zero-shot"])
    ap.add_argument("--lever", action="append", default=[], metavar="KEY=VALUE", help="as in `sqlsage eval --lever`, on top of the product defaults")
    args = ap.parse_args()
    levers = parse_levers(args.lever)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp))
        url = f"sqlite:///{ROOT / 'assets' / 'chinook.sqlite'}"
        t0 = time.perf_counter()
        session = open_session(ws, url)
        index_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        registry = ModelRegistry(ws.models_dir)
        model = load_model(registry, args.model)
        load_s = time.perf_counter() - t0
        fallback = load_fallback(registry, AskSettings(), model)  # loaded only if an answer comes up empty
        opts = apply_levers(AskSettings().options(mode=args.mode, fallback_model=fallback), levers, registry)  # what `sqlsage ask` uses
        if args.grammar:
            from engine.sql.grammar import schema_grammar

            opts.grammar = schema_grammar
        runs = []
        for q in QUESTIONS:
            res = ask(q, session, model, opts)
            tokens = sum(model.n_tokens(a.raw_output) for a in res.trace.attempts)
            runs.append({"question": q, "ok": res.ok, "attempts": len(res.trace.attempts), "tokens": tokens,
                         "fallback_asked": res.trace.model != model.name or any("did no better" in n for n in res.trace.notes),
                         "answered_by": res.trace.model,
                         **{s: res.trace.timings.get(s, 0.0) for s in STAGES}})
    cold, warm = runs[0], runs[1:]
    table = {s: {"cold": round(cold[s], 3), "p50": round(statistics.median(r[s] for r in warm), 3), "p95": round(pct([r[s] for r in warm], 0.95), 3)} for s in STAGES}
    # generated tokens per second of the generate stage (it includes the prompt suffix the KV cache lacks)
    tok_s = round(sum(r["tokens"] for r in warm) / max(1e-9, sum(r["generate"] for r in warm)), 1)
    out = {"model": model.name, "generated_tokens_per_s": tok_s, "grammar": args.grammar, "mode": args.mode, "levers": levers, "index_build_s": round(index_s, 2), "model_load_s": round(load_s, 2),
           "stages": table, "answered_with_rows": sum(r["ok"] for r in runs), "runs": runs,
           "date": time.strftime("%Y-%m-%d"), "machine": "2 cores, 24 GiB, no GPU"}
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    tag = "".join(f"_{k}-{v}" for k, v in levers.items())
    name = f"ask_latency_{model.name}_{args.mode}{'_grammar' if args.grammar else ''}{tag}.json"
    (ROOT / "benchmarks" / "results" / name).write_text(json.dumps(out, indent=1))
    print(f"model {model.name}  mode={args.mode}  grammar={args.grammar}  levers={levers}  index build {index_s:.2f} s  model load {load_s:.2f} s")
    print(f"{'stage':<10}{'cold s':>9}{'warm p50':>10}{'warm p95':>10}")
    for s in STAGES:
        print(f"{s:<10}{table[s]['cold']:>9.3f}{table[s]['p50']:>10.3f}{table[s]['p95']:>10.3f}")
    print(f"generated tokens per second (warm, generate stage): {tok_s}")
    print(f"questions that returned rows: {out['answered_with_rows']}/{len(runs)} (rows, not correctness: see accuracy.py)")
    asked = [r for r in runs if r["fallback_asked"]]
    print(f"fallback model asked on {len(asked)}/{len(runs)}, its answer used on {sum(r['answered_by'] != model.name for r in runs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
