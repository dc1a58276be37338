"""A single count answered per group: "how many cars have more than 150 horsepower" as `SELECT COUNT(*) … GROUP BY horsepower`.

The fine-tune often adds a GROUP BY to a count, so the answer is one number per group (one per
horsepower value) instead of the one number asked for. When the question asks "how many" / "the
number of" / "count", and nothing per group ("each", "every", "per", "by", "for all … of", a
superlative), and the top-level SELECT shows only aggregates, groups by columns it does not show,
and has no HAVING, ORDER BY or LIMIT, the GROUP BY goes.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_COUNT = re.compile(r"\b(how many|number of|count|total)\b")
_PER = re.compile(r"\b(each|every|per|by|respectively|different|various|most|least|fewest|highest|lowest|largest|smallest)\b")


def drop_unasked_group(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Drop, in place, the GROUP BY of a lone count the question asks for, as above."""
    text = question.lower()
    if not _COUNT.search(text) or _PER.search(text) or not isinstance(tree, exp.Select):
        return []
    group = tree.args.get("group")
    if not group or any(tree.args.get(k) for k in ("having", "order", "limit")):
        return []
    shown = [e.this if isinstance(e, exp.Alias) else e for e in tree.expressions]
    if not all(isinstance(e, exp.AggFunc) for e in shown):
        return []
    before = group.sql()
    tree.set("group", None)
    return [f"{before} dropped (the question asks for one count, not one per group)"]
