"""Cap the rows a query can return, unless it already asks for fewer.

The LIMIT added is cap + 1: the runner keeps `cap` rows and the extra one tells it (and the
user, "row cap reached") that the answer was cut, as Datasette's visible row cap does.
"""

from __future__ import annotations

from sqlglot import exp


def cap_rows(tree: exp.Expression, cap: int | None) -> exp.Expression:
    if not cap:
        return tree
    existing = tree.args.get("limit")
    if existing is not None:
        value = existing.expression if isinstance(existing, exp.Limit) else None
        if isinstance(value, exp.Literal) and value.is_int and int(value.this) <= cap:
            return tree
    return tree.limit(cap + 1, copy=True)
