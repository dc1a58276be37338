"""A per-group answer that does not say which group each row is: "the average and maximum age for each type of pet" as `SELECT AVG(pet_age), MAX(pet_age) … GROUP BY PetType`.

Without the group's column, the numbers cannot be told apart (and Spider's golds show it). When the
question asks per something ("for each", "every", "per") and the select list is aggregates only,
the GROUP BY columns are shown after them.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_PER = re.compile(r"\b(each|every|per)\b")


def show_group_columns(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Append, in place, the GROUP BY columns to an aggregates-only select list, as above."""
    if not _PER.search(question.lower()) or not isinstance(tree, exp.Select) or not (group := tree.args.get("group")):
        return []
    if tree.args.get("limit") or not all((e.this if isinstance(e, exp.Alias) else e).find(exp.AggFunc) for e in tree.expressions):
        return []
    columns = [g for g in group.expressions if isinstance(g, exp.Column)]
    if not columns or len(columns) != len(group.expressions):
        return []
    for c in columns:
        tree.select(c.copy(), copy=False)
    return [f"{', '.join(c.sql() for c in columns)} shown (the question asks per {', '.join(c.name for c in columns)})"]
