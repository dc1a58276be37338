"""Merge `sqlsage eval --shard K/N --json` files of one run into one result file.

    python benchmarks/merge_eval.py out.json shard1.json shard2.json
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path


def merge(parts: list[dict]) -> dict:
    first = parts[0]
    out = {k: v for k, v in first.items() if k not in ("items", "summary", "partial")}
    out["items"] = {m: sorted((i for p in parts for i in p["items"][m]), key=lambda i: i["index"]) for m in first["modes"]}
    out["gold_errors"] = [e for p in parts for e in p["gold_errors"]]
    out["summary"] = {}
    for m, items in out["items"].items():
        correct, secs = sum(i["correct"] for i in items), [i["seconds"] for i in items]
        out["summary"][m] = {"ex": correct / len(items) if items else 0.0, "correct": correct, "total": len(items),
                             "mean_s": round(statistics.fmean(secs), 3) if secs else 0.0, "p50_s": round(statistics.median(secs), 3) if secs else 0.0}
    if any(p.get("partial") for p in parts):
        out["partial"] = True
    out["shards"] = len(parts)
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    parts = [json.loads(Path(p).read_text()) for p in argv[2:]]
    if len({(p["dataset"], p["model"], json.dumps(p["levers"], sort_keys=True)) for p in parts}) != 1:
        print("error: the files are not shards of one run (dataset, model or levers differ)", file=sys.stderr)
        return 2
    merged = merge(parts)
    Path(argv[1]).write_text(json.dumps(merged, indent=1))
    for m, s in merged["summary"].items():
        print(f"{m}: EX {s['ex']:.3f} ({s['correct']}/{s['total']}), p50 {s['p50_s']} s{' (partial)' if merged.get('partial') else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
