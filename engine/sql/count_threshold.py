"""A count bound written as a top-N: "tourneys with more than 10 matches" as `ORDER BY COUNT(*) DESC LIMIT 10`.

The fine-tune knows `GROUP BY … ORDER BY COUNT(*) DESC LIMIT n` far better than HAVING, and
reaches for it when the question bounds a count. When a grouped query sorts by a count under a
LIMIT of exactly the number the question bounds ("more than 10", "at least 3", "10 or more",
"fewer than 5"), and the question has no superlative (so "the top 10" is not it), the sort and
LIMIT become `HAVING COUNT(*) > 10` (or `>=`, `<`, `<=` as the words say).
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.comparison_direction import bound_operator, question_bounds
from engine.sql.link_tables import name_forms

_SUPERLATIVE = re.compile(r"\b((?<!at )most|(?<!at )least|top|highest|lowest|largest|smallest|biggest|fewest|greatest|first|last|best|worst)\b|\w+est\b")


def limit_to_having(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Turn, in place, a count sorted under a LIMIT the question gives as a bound into that HAVING."""
    if not question or _SUPERLATIVE.search(question.lower()):
        return []
    bounds = question_bounds(question)
    fixes = []
    for select in tree.find_all(exp.Select):
        order, limit = select.args.get("order"), select.args.get("limit")
        if not (select.args.get("group") and order and limit) or select.args.get("having") or len(order.expressions) != 1:
            continue
        key = order.expressions[0].this
        n = limit.expression if isinstance(limit, exp.Limit) else None
        if not isinstance(key, exp.Count) or not isinstance(n, exp.Literal) or n.is_string or select.args.get("offset"):
            continue
        said = bounds.get(float(n.this))
        if not said or len({g for g, _ in said}) != 1:
            continue
        greater, phrase = min(said)
        if _bounds_a_column(question, n.this, catalog):
            continue  # "more than 4 cylinders": a value of a column, not a count
        having = bound_operator(greater, phrase)(this=key.copy(), expression=n.copy())
        before = f"ORDER BY {order.expressions[0].sql()} LIMIT {n.sql()}"
        select.set("order", None)
        select.set("limit", None)
        select.set("having", exp.Having(this=having))
        fixes.append(f"{before} → HAVING {having.sql()} (the question says \"{phrase}\", a bound, not a top {n.sql()})")
    return fixes


def _bounds_a_column(question: str, number: str, catalog: SchemaCatalog) -> bool:
    """True when the word after the number in the question names a column ("4 cylinders")."""
    m = re.search(r"\b" + re.escape(number) + r"\s+([a-z_]+)", question.lower())
    if not m:
        return False
    forms = name_forms(m.group(1))
    return any(name_forms(c.name) & forms for t in catalog.tables for c in t.columns)
