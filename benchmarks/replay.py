"""Replay today's SQL checks on a recorded evaluation's answers, without the model.

    python benchmarks/replay.py benchmarks/results/accuracy_chinook_…json [--dataset chinook] [--show changed|lost|gained|wrong]

Each recorded answer (its final SQL, as `sqlsage eval --json` wrote it) goes through `check_sql`
again, with linking, the question and the connection's value index, exactly as `ask` checks model
output; the result is run and compared with the gold as `eval` does. A new rewrite is kept only when
its replay loses nothing; the live run is what the figures in benchmarks/README.md report (the
replays of sessions 11–12 predicted the live runs within one answer). The replay cannot see what a
rewrite would change *upstream* (an answer that would now run and so skip the repairs and samples it
took), so it under-counts gains on failed answers. Prints a table and writes JSON beside the input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import SETS  # noqa: E402
from benchmarks.gold_check import GoldChecker  # noqa: E402


def guess_set(path: Path) -> str:
    for name in SETS:
        if f"_{name}_" in path.name:
            return name
    raise SystemExit(f"cannot tell the dataset from {path.name}; pass --dataset {'|'.join(SETS)}")


def replay(path: Path, set_name: str, workspace: Path, mode: str | None = None) -> list[dict]:
    data = json.loads(path.read_text())
    mode = mode or data["modes"][-1]
    checker = GoldChecker(set_name, workspace)
    out = []
    for rec in data["items"][mode]:
        it = checker.items[rec["index"]]
        now = checker.score(rec["sql"], it)
        out.append({"index": it.index, "db_id": it.db_id, "question": it.question, "was": rec["correct"],
                    "now": now.correct, "fixes": now.fixes, "old_sql": rec["sql"], "sql": now.sql, "error": now.error,
                    "changed": " ".join(now.sql.split()) != " ".join(rec["sql"].split())})
    checker.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("result", type=Path)
    ap.add_argument("--dataset", choices=list(SETS))
    ap.add_argument("--mode")
    ap.add_argument("--workspace", type=Path, default=ROOT / ".cache" / "bench-ws")
    ap.add_argument("--show", choices=["changed", "lost", "gained", "wrong"])
    args = ap.parse_args()
    rows = replay(args.result, args.dataset or guess_set(args.result), args.workspace, args.mode)
    was, now = sum(r["was"] for r in rows), sum(r["now"] for r in rows)
    gained = [r for r in rows if r["now"] and not r["was"]]
    lost = [r for r in rows if r["was"] and not r["now"]]
    pick = {"changed": lambda r: r["changed"], "lost": lambda r: r in lost, "gained": lambda r: r in gained,
            "wrong": lambda r: not r["now"]}.get(args.show)
    for r in rows if pick else []:
        if pick(r):
            print(f"#{r['index']} {r['db_id']} ({'right' if r['now'] else 'wrong'}): {r['question']}\n  was: {r['old_sql']}\n  now: {r['sql']}"
                  + "".join(f"\n  fix: {f}" for f in r["fixes"]) + (f"\n  error: {r['error']}" if r["error"] else ""))
    print(f"{'answers':<10}{'recorded':>10}{'replayed':>10}{'gained':>8}{'lost':>6}{'changed':>9}")
    print(f"{len(rows):<10}{was:>10}{now:>10}{len(gained):>8}{len(lost):>6}{sum(r['changed'] for r in rows):>9}")
    out = args.result.with_name(args.result.stem + "_replay.json")
    out.write_text(json.dumps({"source": args.result.name, "recorded": was, "replayed": now, "total": len(rows),
                               "gained": [r["index"] for r in gained], "lost": [r["index"] for r in lost]}, indent=1))
    print(f"EX: {now / len(rows):.3f} ({now}/{len(rows)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
