"""A top-N the question never asks for: "What are the names of the different music genres?" as `… ORDER BY COUNT(*) DESC LIMIT 1`.

The fine-tune learnt `ORDER BY … LIMIT 1` so well that it adds it to plain listings, and the answer
is one row of many. When the question has no superlative ("most", "oldest", "top"), no ordinal
("first", "last"), no "one"/"single", no number equal to the LIMIT's, and asks in the plural
("what are", "list", "show", "names"), the LIMIT is dropped; the sort stays (it changes no row).
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_RANKED = re.compile(
    r"\b(most|least|top|highest|lowest|largest|smallest|biggest|fewest|greatest|maximum|minimum|max|min|first|last|best|worst|"
    r"one|single|only|any|recent|latest|earliest|oldest|youngest|newest|longest|shortest|cheapest)\b|\w{2,}est\b|\b\w+iest\b"
)
_PLURAL = re.compile(r"^(what|which) are\b|^(list|show|give|find|return|display)\b|\b(names|ids|titles|all|each|every)\b")


def drop_unasked_limit(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Remove, in place, the top-level LIMIT of a listing the question does not rank, as above."""
    text = question.lower().strip()
    if not text or not isinstance(tree, exp.Select) or not (limit := tree.args.get("limit")) or tree.args.get("offset"):
        return []
    n = limit.expression
    if not isinstance(n, exp.Literal) or n.is_string or _RANKED.search(text) or not _PLURAL.search(text):
        return []
    if re.search(r"\b" + re.escape(n.this) + r"\b", text):
        return []
    tree.set("limit", None)
    return [f"LIMIT {n.this} dropped (the question asks for a list, not the top {n.this})"]
