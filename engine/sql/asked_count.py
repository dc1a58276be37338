"""A count the question asks for and the answer leaves out: "the number of cartoons by each director" as `SELECT directed_by … GROUP BY directed_by`.

When the question asks for a number ("how many", "the number of", "count") per something, and
the grouped answer shows only the groups (no aggregate at all, no LIMIT: a "which … the most"
answer sorts by a count it need not show), the count the question asks for is added beside them.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_COUNT = re.compile(r"\b(how many|number of|count)\b")
_RANKED = re.compile(r"\b(most|least|largest|smallest|greatest|highest|lowest|fewest|biggest|top)\s+(number|count)\b")


def add_asked_count(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Append, in place, `COUNT(*)` to a grouped top-level answer that shows no aggregate, as above."""
    text = question.lower()
    if not _COUNT.search(text) or _RANKED.search(text) or not isinstance(tree, exp.Select):
        return []
    if not tree.args.get("group") or tree.args.get("limit") or any(e.find(exp.AggFunc) for e in tree.expressions):
        return []
    if any(isinstance(e, exp.Star) for e in tree.expressions):
        return []
    tree.select(exp.Count(this=exp.Star()), copy=False)
    return ["COUNT(*) added to the answer (the question asks how many, per group)"]
