"""What the fallback model lever would score, from two recorded evaluations of the same questions.

    python benchmarks/fallback_replay.py PRIMARY.json FALLBACK.json [--dataset spider-dev] [--when-lacking] [--show gained|lost|asked]

`AskSettings.fallback_model` asks a second model the whole question again when the first model's
final answer fails or returns nothing (only NULLs), and keeps the second answer if it has rows. Both
models answer each question deterministically (greedy, then fixed-seed samples), so the second
model's answer is the one its own evaluation recorded: replaying both files through today's checks
(`GoldChecker`, as `replay.py` does) gives exactly what a live run with the lever would score,
without running either model. --when-lacking replays `AskSettings.fallback_when_lacking` too.
Prints a table, writes JSON (--json, or beside PRIMARY).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import SETS  # noqa: E402
from benchmarks.gold_check import GoldChecker, Scored  # noqa: E402
from benchmarks.replay import guess_set  # noqa: E402
from engine.pipeline import asks_fallback, keeps_fallback, returns_nothing  # noqa: E402
from engine.sql.lacks import lacks  # noqa: E402


def came_up_empty(s: Scored) -> bool:
    return s.rows is None or returns_nothing(s.rows)


@dataclass
class PairReplay:
    """Two models' answers to one question, scored, and what today's fallback rule does with them."""

    a: Scored
    b: Scored
    empty_a: bool
    empty_b: bool
    asked: bool  # the second model is asked
    used: bool  # its answer replaces the first


def replay_pair(checker: GoldChecker, it, sql_a: str, sql_b: str, when_lacking: bool) -> PairReplay:
    a, b = checker.score(sql_a, it), checker.score(sql_b, it)
    empty_a, empty_b = came_up_empty(a), came_up_empty(b)
    lacks_a = lacks_b = []
    if when_lacking and not empty_a:  # what the live answer's trace.lacks holds (an empty answer's is not read)
        catalog = checker.session(it).catalog
        lacks_a, lacks_b = lacks(it.question, a.sql, catalog), lacks(it.question, b.sql, catalog)
    asked = asks_fallback(empty_a, lacks_a, when_lacking)
    used = asked and keeps_fallback(empty_a, lacks_a, empty_b, lacks_b)
    return PairReplay(a, b, empty_a, empty_b, asked, used)


def combine(primary: Path, fallback: Path, set_name: str, workspace: Path, when_lacking: bool = False) -> list[dict]:
    """Per question: each model's verdict, whether the fallback was asked and its answer used.
    `when_lacking`: as `AskSettings.fallback_when_lacking`, a first answer with rows that lacks what
    the question asks for asks too, and the fallback's is used if it has rows and lacks fewer parts."""
    first = json.loads(primary.read_text())
    second = json.loads(fallback.read_text())
    by_index = {r["index"]: r for r in second["items"][second["modes"][-1]]}
    checker = GoldChecker(set_name, workspace)
    out = []
    for rec in first["items"][first["modes"][-1]]:
        it = checker.items[rec["index"]]
        other = by_index.get(rec["index"])
        if other is None:
            raise SystemExit(f"{fallback.name} has no answer for #{rec['index']}: evaluate the same questions")
        r = replay_pair(checker, it, rec["sql"], other["sql"], when_lacking)
        a, b = r.a, r.b
        out.append({"index": it.index, "db_id": it.db_id, "question": it.question, "primary": a.correct, "fallback": b.correct,
                    "asked": r.asked, "used": r.used, "combined": b.correct if r.used else a.correct, "sql": a.sql, "fallback_sql": b.sql})
    checker.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("primary", type=Path)
    ap.add_argument("fallback", type=Path)
    ap.add_argument("--dataset", choices=list(SETS))
    ap.add_argument("--workspace", type=Path, default=ROOT / ".cache" / "bench-ws")
    ap.add_argument("--when-lacking", action="store_true", help="also ask when the first answer lacks what the question asks for (fallback_when_lacking)")
    ap.add_argument("--show", choices=["gained", "lost", "asked"])
    ap.add_argument("--json", type=Path, default=None, help="where to write the summary (default: beside PRIMARY, named after both)")
    args = ap.parse_args()
    rows = combine(args.primary, args.fallback, args.dataset or guess_set(args.primary), args.workspace, args.when_lacking)
    n = len(rows)
    total = {k: sum(r[k] for r in rows) for k in ("primary", "fallback", "combined", "asked", "used")}
    gained = [r for r in rows if r["combined"] and not r["primary"]]
    lost = [r for r in rows if r["primary"] and not r["combined"]]
    pick = {"gained": gained, "lost": lost, "asked": [r for r in rows if r["asked"]]}.get(args.show, [])
    for r in pick:
        print(f"#{r['index']} {r['db_id']}: {r['question']}\n  first:    {r['sql']}\n  fallback: {r['fallback_sql']}"
              f"\n  {'used' if r['used'] else 'not used'}; first {'right' if r['primary'] else 'wrong'}, fallback {'right' if r['fallback'] else 'wrong'}")
    print(f"{'answers':<9}{'primary':>9}{'fallback':>10}{'asked':>7}{'used':>6}{'combined':>10}{'gained':>8}{'lost':>6}")
    print(f"{n:<9}{total['primary']:>9}{total['fallback']:>10}{total['asked']:>7}{total['used']:>6}{total['combined']:>10}{len(gained):>8}{len(lost):>6}")
    tag = "__fallback_when_lacking__" if args.when_lacking else "__fallback__"
    out = args.json or args.primary.with_name(f"{args.primary.stem}{tag}{args.fallback.stem.removeprefix('accuracy_')}.json")
    out.write_text(json.dumps({"primary": args.primary.name, "fallback": args.fallback.name, "when_lacking": args.when_lacking, "total": n, **total,
                               "gained": [r["index"] for r in gained], "lost": [r["index"] for r in lost]}, indent=1))
    print(f"EX: {total['combined'] / n:.3f} ({total['combined']}/{n})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
