"""How much could a better *selector* gain? Sample candidates per question and count how often any is right.

    python benchmarks/oracle_candidates.py [--set spider-dev] [--sample 200] [--seed 13] [--candidates 8]
        [--temperature 0.7] [--threads 1]

Every question is asked exactly as `sqlsage ask` would (every default) but with `candidates=N`: the
greedy answer plus N-1 sampled ones, each checked and run, then the result most of them share is
chosen (those lacking nothing the question asks for vote first). Each candidate is then compared with the gold on its own, which gives:

- **chosen**: what the vote picks (the EX of `--lever candidates=N`);
- **greedy**: what the first (greedy) candidate alone scores;
- **any (oracle)**: questions where at least one of the N candidates is right, the ceiling a perfect
  selector could reach with these samples (and "any attempt": counting the repairs and the
  question-shape resamples that follow too).

The gap between "any" and "chosen" is what a better selector (a ranker, a verifier) could still win;
the gap between "any" and 1.0 is what only a better model can. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import engine.eval.harness as harness  # noqa: E402
from benchmarks.accuracy import SETS  # noqa: E402
from benchmarks.gold_check import GoldChecker  # noqa: E402
from engine.eval.compare import defog_match  # noqa: E402
from engine.eval.datasets import load_dataset  # noqa: E402
from engine.eval.harness import ask_levers, parse_levers  # noqa: E402
from engine.index.entries import ExamplePair  # noqa: E402
from engine.settings import load_settings  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="spider-dev", choices=list(SETS))
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--candidates", type=int, default=8)
    ap.add_argument("--temperature", type=float, default=0.7)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--lever", action="append", default=[], metavar="KEY=VALUE",
                    help="override a lever of the saved settings, e.g. fallback_model=off for a model measured alone")
    ap.add_argument("--workspace", type=Path, default=ROOT / ".cache" / "bench-ws")
    ap.add_argument("--examples", type=Path, default=ROOT.parent / "shared" / "datasets" / "spider" / "train_spider.json")
    args = ap.parse_args()

    checker = GoldChecker(args.set, args.workspace)  # the set's items, databases and scoring rules
    whole = list(checker.items.values())
    items = sorted(random.Random(args.seed).sample(whole, min(args.sample, len(whole))), key=lambda i: i.index) if args.sample else whole
    ws = checker.ws
    pairs = [ExamplePair(i.question, i.gold[0], i.db_id) for i in load_dataset(args.examples)] if args.examples.exists() else None
    levers = ask_levers(load_settings(ws)) | parse_levers(args.lever) | {"candidates": args.candidates}

    traces: dict[str, object] = {}
    real_ask = harness.ask

    def recording_ask(question, session, model, opts, on_token=None):
        opts.sample_temperature = args.temperature
        res = real_ask(question, session, model, opts, on_token)
        traces[question] = res.trace
        return res

    harness.ask = recording_ask
    start = time.perf_counter()
    report = harness.evaluate(items, checker.resolve, ws, ["ft"], args.model, pairs, dataset_name=args.set,
                              rules="defog" if checker.match is defog_match else "spider", levers=levers, threads=args.threads,
                              guard_items=whole, progress=lambda d, t: print(f"\r{d}/{t}", end="", file=sys.stderr))
    harness.ask = real_ask
    print(file=sys.stderr)

    rows = []
    for r in report.results["ft"]:
        it = checker.items[r.index]
        cands = [a.sql for a in traces[it.question].attempts]  # the N candidates first, then any repairs and resamples
        right = [checker.score(sql, it).correct for sql in cands]
        rows.append({"index": it.index, "db_id": it.db_id, "question": it.question, "chosen": r.correct,
                     "greedy": bool(right and right[0]), "any": any(right[: args.candidates]), "any_attempt": any(right),
                     "right": right, "candidates": cands})
    checker.close()

    n = len(rows)
    summary = {k: sum(x[k] for x in rows) for k in ("chosen", "greedy", "any", "any_attempt")}
    print(f"{args.set}, {n} questions, {args.candidates} candidates (greedy + {args.candidates - 1} at T={args.temperature}), "
          f"{time.perf_counter() - start:.0f} s")
    print("| chosen (vote) | greedy alone | any of the N candidates (oracle) | any attempt, repairs and resamples too |")
    print("| --- | --- | --- | --- |")
    print(" | ".join(f"{summary[k] / n:.3f} ({summary[k]}/{n})" for k in ("chosen", "greedy", "any", "any_attempt")).join(("| ", " |")))
    tag = "" if args.model == "smollm2-135m" else f"_{args.model}"
    out = RESULTS / f"oracle_{args.set}{tag}_c{args.candidates}_t{args.temperature}_sample{args.sample}.json"
    out.write_text(json.dumps({"set": args.set, "model": args.model, "sample": args.sample, "seed": args.seed, "candidates": args.candidates,
                               "temperature": args.temperature, "levers": levers, "summary": summary, "n": n, "items": rows},
                              indent=1, default=str))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
