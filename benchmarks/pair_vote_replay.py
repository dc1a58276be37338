"""Would asking both models every question, and voting, beat today's fallback? Replayed without the models.

    python benchmarks/pair_vote_replay.py ORACLE_A.json ORACLE_B.json FINAL_A.json FINAL_B.json [--k 0 1 2 3 7]

Inputs are recorded runs over the same questions: `oracle_candidates.py` files for the primary model A
(SmolLM2) and the fallback model B (Gemma) — each question's greedy answer and 7 samples at T=0.7 —
and `eval --as-ask` files with each model's final answer (after repairs and shape resamples, B alone).
Every SQL is checked and run again with today's checks (`GoldChecker`), so the rules below differ only
in how they pick:

- **today**: A's final answer; B's when A's fails, is empty or lacks a part and B's has rows and lacks
  fewer (`asks_fallback` / `keeps_fallback` with `fallback_when_lacking`, the default);
- **both, samples break ties**: A's and B's final answers; if their results agree, that; otherwise the one
  whose result more of the first k samples of each model share (fitting samples only); no support either
  way → today's rule;
- **pooled vote**: the result most of {A final, B final, k samples of each} share, fitting ones first.

Prints a table per k and writes JSON beside ORACLE_B.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.gold_check import GoldChecker  # noqa: E402
from benchmarks.selector_replay import print_table, vote  # noqa: E402
from engine.pipeline import asks_fallback, keeps_fallback, result_key, returns_nothing  # noqa: E402
from engine.sql.lacks import lacks  # noqa: E402


@dataclass
class Cand:
    runs: bool
    empty: bool  # failed, or returned nothing
    lacking: list[str]
    result: str  # the sorted result set, the key candidates vote with
    right: bool

    @property
    def fits(self) -> bool:
        return not self.empty and not self.lacking


def replay(sql: str, it, checker: GoldChecker) -> Cand:
    scored = checker.score(sql, it)
    if scored.rows is None:
        return Cand(False, True, [], "", False)
    empty = returns_nothing(scored.rows)
    missing = [] if empty else lacks(it.question, scored.sql, checker.session(it).catalog, sql)
    return Cand(True, empty, missing, result_key(scored.rows), scored.correct)


def rule_today(a: Cand, b: Cand, samples: list[Cand]) -> Cand:
    asked = asks_fallback(a.empty, a.lacking, True)
    return b if asked and keeps_fallback(a.empty, a.lacking, b.empty, b.lacking) else a


def rule_both_tiebreak(a: Cand, b: Cand, samples: list[Cand]) -> Cand:
    if a.runs and b.runs and a.result == b.result:
        return a
    support = Counter(s.result for s in samples if s.fits)
    sa = support[a.result] if a.runs and not a.empty else 0
    sb = support[b.result] if b.runs and not b.empty else 0
    if sa == sb:
        return rule_today(a, b, samples)
    return a if sa > sb else b


def rule_both_tiebreak_fitting(a: Cand, b: Cand, samples: list[Cand]) -> Cand:
    """As above, but only when both fit; otherwise today's rule (which already prefers the fitting one)."""
    if a.fits and b.fits:
        return rule_both_tiebreak(a, b, samples)
    return rule_today(a, b, samples)


def rule_pooled_vote(a: Cand, b: Cand, samples: list[Cand]) -> Cand:
    pool = [c for c in [a, b, *samples] if c.runs and not c.empty]
    return vote([c for c in pool if not c.lacking] or pool) or a


RULES = (rule_today, rule_both_tiebreak, rule_both_tiebreak_fitting, rule_pooled_vote)


def _finals(path: Path) -> dict[int, str]:
    data = json.loads(path.read_text())
    return {r["index"]: r["sql"] for r in data["items"][data["modes"][-1]]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("oracle_a", type=Path)
    ap.add_argument("oracle_b", type=Path)
    ap.add_argument("final_a", type=Path)
    ap.add_argument("final_b", type=Path)
    ap.add_argument("--k", type=int, nargs="+", default=[0, 1, 2, 3, 7], help="samples per model the tie-break and vote see")
    ap.add_argument("--workspace", type=Path, default=ROOT / ".cache" / "bench-ws")
    args = ap.parse_args()

    oa, ob = json.loads(args.oracle_a.read_text()), json.loads(args.oracle_b.read_text())
    fa, fb = _finals(args.final_a), _finals(args.final_b)
    rows_b = {r["index"]: r for r in ob["items"]}
    checker = GoldChecker(oa["set"], args.workspace)
    per_q, kmax = [], max(args.k)
    for n, row in enumerate(oa["items"]):
        i = row["index"]
        if i not in rows_b or i not in fa or i not in fb:
            raise SystemExit(f"question #{i} is missing from one of the inputs: record the same questions")
        it = checker.items[i]
        per_q.append({
            "index": i,
            "a": replay(fa[i], it, checker),
            "b": replay(fb[i], it, checker),
            "sa": [replay(s, it, checker) for s in row["candidates"][1 : 1 + kmax]],
            "sb": [replay(s, it, checker) for s in rows_b[i]["candidates"][1 : 1 + kmax]],
        })
        print(f"\r{n + 1}/{len(oa['items'])}", end="", file=sys.stderr)
    print(file=sys.stderr)
    checker.close()

    total = len(per_q)
    table: dict[int, dict[str, int]] = {}
    for k in args.k:
        col = {r.__name__: sum(r(q["a"], q["b"], q["sa"][:k] + q["sb"][:k]).right for q in per_q) for r in RULES}
        col["oracle (A or B final right)"] = sum(q["a"].right or q["b"].right for q in per_q)
        col["oracle (any, samples too)"] = sum(any(c.right for c in [q["a"], q["b"], *q["sa"][:k], *q["sb"][:k]]) for q in per_q)
        table[k] = col
    print(f"{oa['set']}, {total} questions; A = {args.final_a.name}, B = {args.final_b.name}; k samples per model")
    print_table(table, "k", total)
    out = args.oracle_b.with_name(args.oracle_b.stem.replace("oracle_", "pairvote_") + ".json")
    out.write_text(json.dumps({"inputs": [p.name for p in (args.oracle_a, args.oracle_b, args.final_a, args.final_b)],
                               "questions": total, "table": table}, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
