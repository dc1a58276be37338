"""Which selection rule picks best among the same sampled candidates? Replayed without the model.

    python benchmarks/selector_replay.py benchmarks/results/oracle_spider-dev_c8_t0.7_sample200.json [--n 4]

Reads an `oracle_candidates.py` result (each question's greedy answer and its sampled candidates as
the model wrote them), checks and runs every one of the first N candidates again with today's
`check_sql`, notes what it lacks (`missing_parts`, an empty result) and whether it matches the gold,
then scores each selection rule on exactly those candidates. The rules differ only in how they pick,
so their gap is the selector's alone. Prints a table and writes JSON next to the input.
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
from engine.pipeline import result_key, returns_nothing  # noqa: E402
from engine.sql.skeleton import missing_parts  # noqa: E402


@dataclass
class Cand:
    runs: bool
    result: str  # the sorted result set, the key candidates vote with
    lacks: bool  # misses a part the question asks for, or returned nothing
    right: bool


def _replay(sql: str, it, checker: GoldChecker) -> Cand:
    scored = checker.score(sql, it)
    if scored.rows is None:
        return Cand(False, "", True, False)
    # what the pipeline's _shortfalls sees with resample_empty on: the parts the question asks for, and rows
    lacks = returns_nothing(scored.rows) or bool(missing_parts(it.question, sql, checker.session(it).catalog.dialect))
    return Cand(True, result_key(scored.rows), lacks, scored.correct)


def vote(cands: list[Cand], weights: list[float] | None = None) -> Cand | None:
    """The result set with the most (weighted) votes; ties keep the earliest candidate."""
    if not cands:
        return None
    score: Counter = Counter()
    first: dict[str, Cand] = {}
    for i, c in enumerate(cands):
        score[c.result] += weights[i] if weights else 1.0
        first.setdefault(c.result, c)
    best = max(score.values())
    return next(first[r] for r in first if score[r] == best)


def rule_vote(cs: list[Cand]) -> Cand | None:
    """`candidates=N` before session 15: the result most runnable candidates share."""
    return vote([c for c in cs if c.runs])


def rule_fitting_vote(cs: list[Cand]) -> Cand | None:
    """Today's `candidates=N`: runnable candidates lacking nothing vote first; only when none fits, every runnable one."""
    runs = [c for c in cs if c.runs]
    return vote([c for c in runs if not c.lacks] or runs)


def rule_greedy_then_fitting_vote(cs: list[Cand]) -> Cand | None:
    """Today's default shape check: greedy unless it fails or lacks something, then fitting-first vote of the samples."""
    if cs and cs[0].runs and not cs[0].lacks:
        return cs[0]
    rest = [c for c in cs[1:] if c.runs]
    fitting = [c for c in rest if not c.lacks]
    return vote(fitting) or (cs[0] if cs and cs[0].runs else vote(rest))


def rule_fitting_vote_greedy_weighted(cs: list[Cand]) -> Cand | None:
    """Fitting-first vote in which the greedy candidate counts 1.5 (it is the model's most likely answer)."""
    runs = [c for c in cs if c.runs]
    pool = [c for c in runs if not c.lacks] or runs
    return vote(pool, [1.5 if c is cs[0] else 1.0 for c in pool])


RULES = (rule_vote, rule_fitting_vote, rule_greedy_then_fitting_vote, rule_fitting_vote_greedy_weighted)


def print_table(table: dict[int, dict[str, int]], label: str, total: int) -> None:
    """Rules as rows, candidate counts as columns: EX and the count right, as the README shows them."""
    counts = list(table)
    print("| rule | " + " | ".join(f"{label}={n}" for n in counts) + " |")
    print("| --- |" + " --- |" * len(counts))
    for name in table[counts[0]]:
        print(f"| {name} | " + " | ".join(f"{table[n][name] / total:.3f} ({table[n][name]})" for n in counts) + " |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("oracle", type=Path)
    ap.add_argument("--n", type=int, nargs="+", default=[2, 4, 6, 8], help="candidate counts to score (greedy first)")
    ap.add_argument("--workspace", type=Path, default=ROOT / ".cache" / "bench-ws")
    args = ap.parse_args()

    data = json.loads(args.oracle.read_text())
    checker = GoldChecker(data["set"], args.workspace)
    top = min(max(args.n), data["candidates"])
    per_q: list[list[Cand]] = []
    for k, row in enumerate(data["items"]):
        it = checker.items[row["index"]]
        per_q.append([_replay(sql, it, checker) for sql in row["candidates"][:top]])
        print(f"\r{k + 1}/{len(data['items'])}", end="", file=sys.stderr)
    print(file=sys.stderr)
    checker.close()

    total = len(per_q)
    table = {}
    for n in args.n:
        col = {r.__name__: sum(bool((c := r(cs[:n])) and c.right) for cs in per_q) for r in RULES}
        col["oracle (any right)"] = sum(any(c.right for c in cs[:n]) for cs in per_q)
        table[n] = col
    print(f"{data['set']}, {total} questions; candidates: greedy + samples at T={data['temperature']}")
    print_table(table, "N", total)
    out = args.oracle.with_name(args.oracle.stem.replace("oracle_", "selectors_") + ".json")
    out.write_text(json.dumps({"source": args.oracle.name, "questions": total, "table": table}, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
