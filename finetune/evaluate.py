"""Before vs after: execution accuracy of the base and the fine-tuned model on the same questions.

Two sets: the run's held-out split (generalisation) and the regression set — the pairs the user
saved as correct for this database (guard-checked and executed when saved). Those may also be
training data, so the regression set checks that nothing the user relies on got worse, not
generalisation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from engine.eval.datasets import EvalItem
from engine.eval.harness import evaluate
from engine.workspace import Workspace


@dataclass
class Comparison:
    before: float
    after: float
    total: int
    per_category: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # cat -> (before, after, n)
    fixed: list[dict] = field(default_factory=list)  # wrong -> right
    broken: list[dict] = field(default_factory=list)  # right -> wrong
    regression: tuple[int, int, int] = (0, 0, 0)  # saved pairs right before, after, n

    @property
    def better(self) -> bool:
        """Deploy without asking only when neither set got worse."""
        return self.after >= self.before and self.regression[1] >= self.regression[0]

    def lines(self) -> list[str]:
        out = [f"held-out: EX {self.before:.3f} -> {self.after:.3f} on {self.total} questions"]
        out += [f"  {cat}: {b}/{n} -> {a}/{n}" for cat, (b, a, n) in self.per_category.items()]
        b, a, n = self.regression
        out.append(f"regression set (saved pairs): {b}/{n} -> {a}/{n}" if n else "regression set: none (no saved pairs yet)")
        out += [f"  wrong -> right: {c['question']}" for c in self.fixed[:20]]
        out += [f"  right -> wrong: {c['question']}" for c in self.broken[:20]]
        out.append("better or equal on both sets" if self.better else "WORSE on at least one set")
        return out


REGRESSION = "regression"


def held_out_items(run_dir: Path) -> list[EvalItem]:
    pairs = [json.loads(line) for line in (Path(run_dir) / "eval_pairs.jsonl").read_text().splitlines() if line.strip()]
    return [EvalItem(i, p["question"], [p["sql"]], p["db_id"], category=p["source"]) for i, p in enumerate(pairs)]


def regression_items(ws: Workspace, url: str, start: int) -> list[EvalItem]:
    """The user's saved ✓ pairs for this database, numbered after the held-out items."""
    saved = ws.read_jsonl(url, "examples.jsonl")
    return [
        EvalItem(start + i, r["question"], [r["sql"]], "", category=REGRESSION, flags=[REGRESSION])
        for i, r in enumerate(saved)
    ]


def compare_models(
    ws: Workspace,
    items: list[EvalItem],
    resolve: Callable[[str], str],
    base: str,
    finetuned: str,
    progress: Callable[[int, int], None] | None = None,
    rules: str = "spider",
) -> Comparison:
    report = evaluate(items, resolve, ws, ["zero-shot", "ft"], base, None, False, progress, "held-out", rules, finetuned)
    before = {r.index: r for r in report.results["zero-shot"]}
    after = {r.index: r for r in report.results["ft"]}
    reg = {i for i, r in after.items() if REGRESSION in r.flags}
    held = [i for i in after if i not in reg]
    comp = Comparison(
        sum(before[i].correct for i in held) / len(held) if held else 0.0,
        sum(after[i].correct for i in held) / len(held) if held else 0.0,
        len(held),
        regression=(sum(before[i].correct for i in reg), sum(after[i].correct for i in reg), len(reg)),
    )
    for idx in held:
        a, b = after[idx], before[idx]
        cat = a.category or "all"
        x, y, n = comp.per_category.get(cat, (0, 0, 0))
        comp.per_category[cat] = (x + b.correct, y + a.correct, n + 1)
    for idx, a in after.items():  # changed answers in both sets; regression ones are marked
        b = before[idx]
        change = {"question": a.question, "before": b.sql, "after": a.sql, "set": REGRESSION if idx in reg else "held-out"}
        if a.correct and not b.correct:
            comp.fixed.append(change)
        elif b.correct and not a.correct:
            comp.broken.append(change)
    return comp
