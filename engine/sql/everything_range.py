"""A range that keeps every row: "teachers aged either 32 or 33" as `Age > 32 OR Age < 33`.

`x > a OR x < b` with a below b holds for every value of x, so the filter filters nothing and the
answer is the whole table. The model joined the question's two bounds with the wrong connective:
when the question names the two numbers as alternatives ("32 or 33") it means those two values
(`x = a OR x = b`); otherwise it means the range between them (`x >= a AND x <= b`, the bounds
as written: "no less than 3000 and no more than 4000").
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_ABOVE = (exp.GT, exp.GTE)
_BELOW = (exp.LT, exp.LTE)


def _bound(cmp: exp.Expression) -> tuple[str, float] | None:
    """(column sql, number) of `column <op> number`."""
    if isinstance(cmp.this, exp.Column) and isinstance(cmp.expression, exp.Literal) and not cmp.expression.is_string:
        try:
            return cmp.this.sql().lower(), float(cmp.expression.this)
        except ValueError:
            return None
    return None


def fix_everything_ranges(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Rewrite, in place, each such OR as above; returns the fixes, in words."""
    fixes = []
    for either in list(tree.find_all(exp.Or)):
        left, right = either.this, either.expression
        if isinstance(left, _BELOW) and isinstance(right, _ABOVE):
            left, right = right, left
        if not (isinstance(left, _ABOVE) and isinstance(right, _BELOW)):
            continue
        low, high = _bound(left), _bound(right)
        if low is None or high is None or low[0] != high[0] or low[1] >= high[1]:
            continue
        before = either.sql()
        a, b = left.expression.this, right.expression.this
        if re.search(rf"\b{re.escape(a)}\s+or\s+{re.escape(b)}\b", question.lower()):
            new = exp.or_(exp.EQ(this=left.this.copy(), expression=left.expression.copy()),
                          exp.EQ(this=right.this.copy(), expression=right.expression.copy()))
        else:
            new = exp.and_(left.copy(), right.copy())
        either.replace(exp.Paren(this=new) if isinstance(either.parent, (exp.And, exp.Not)) else new)
        fixes.append(f"{before} → {new.sql()} (as written it keeps every row)")
    return fixes
