"""A comparison with an extreme no row passes: "the country in Asia with the lowest life expectancy" as `LifeExpectancy < (SELECT MIN(LifeExpectancy) …)`.

No value is below the minimum of its own column (or above the maximum), so the answer is always
empty. The model means the row holding the extreme: `<` / `<=` against `(SELECT MIN(x) …)` and `>` /
`>=` against `(SELECT MAX(x) …)` of the same column become `=`.
"""

from __future__ import annotations

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_EMPTY = {exp.LT: exp.Min, exp.LTE: exp.Min, exp.GT: exp.Max, exp.GTE: exp.Max}


def fix_impossible_extremes(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Turn, in place, each such comparison into `=`; returns the fixes, in words."""
    fixes = []
    for cmp in list(tree.find_all(*_EMPTY)):
        agg = own_extreme(cmp)
        if not isinstance(agg, _EMPTY[type(cmp)]):
            continue
        col, sub = cmp.this, cmp.expression
        fixes.append(f"{cmp.sql()} → {col.sql()} = (…) (no {col.name} is beyond its own {type(agg).__name__.upper()})")
        cmp.replace(exp.EQ(this=col.copy(), expression=sub.copy()))
    return fixes


def own_extreme(cmp: exp.Expression) -> exp.Min | exp.Max | None:
    """The MIN / MAX in `col <op> (SELECT MIN(col) …)`, a comparison with its own column's extreme."""
    col, sub = cmp.this, cmp.expression
    if not isinstance(col, exp.Column) or not isinstance(sub, exp.Subquery) or not isinstance(sub.this, exp.Select):
        return None
    inner = sub.this.expressions
    if len(inner) != 1 or not isinstance(inner[0], (exp.Min, exp.Max)) or not isinstance(inner[0].this, exp.Column):
        return None
    return inner[0] if inner[0].this.name.lower() == col.name.lower() else None
