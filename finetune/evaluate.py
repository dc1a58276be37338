"""Before vs after: execution accuracy of the base and the fine-tuned model on the same questions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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

    @property
    def better(self) -> bool:
        return self.after >= self.before


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
    comp = Comparison(report.ex("zero-shot")[0], report.ex("ft")[0], len(after))
    for idx, a in after.items():
        b = before[idx]
        cat = a.category or "all"
        x, y, n = comp.per_category.get(cat, (0, 0, 0))
        comp.per_category[cat] = (x + b.correct, y + a.correct, n + 1)
        if a.correct and not b.correct:
            comp.fixed.append({"question": a.question, "before": b.sql, "after": a.sql})
        elif b.correct and not a.correct:
            comp.broken.append({"question": a.question, "before": b.sql, "after": a.sql})
    return comp
