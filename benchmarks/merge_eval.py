"""Merge `sqlsage eval --shard K/N --json` files of one run into one result file.

    python benchmarks/merge_eval.py out.json shard1.json shard2.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.eval.harness import EvalReport, ItemResult  # noqa: E402


def merge(parts: list[dict]) -> dict:
    """One report over every shard's answers; its summary is computed as `sqlsage eval` computes it.

    A question answered in two files (a shard stopped part-way while another process took over its
    tail) counts once: the first file's answer is kept."""
    first = parts[0]
    results = {}
    for m in first["modes"]:
        answers: dict[int, ItemResult] = {}
        for p in parts:
            for i in p["items"][m]:
                answers.setdefault(i["index"], ItemResult(**i))
        results[m] = sorted(answers.values(), key=lambda r: r.index)
    report = EvalReport(
        first["dataset"], first["model"], first["modes"], results, [e for p in parts for e in p["gold_errors"]],
        first["leakage_guard"]["excluded_examples"], first["leakage_guard"]["example_pool"], first["levers"],
        first.get("threads"), partial=any(p.get("partial") for p in parts),
    )
    return report.to_dict() | {"shards": len(parts)}


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
