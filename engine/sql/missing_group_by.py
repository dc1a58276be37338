"""An aggregate beside plain columns with no GROUP BY: "each singer and the total sales of their songs".

`SELECT T2.Name, SUM(T1.Sales) FROM song JOIN singer …` with no GROUP BY is one row in SQLite (a
name picked from anywhere beside the grand total) and an error in PostgreSQL. When the question
asks per something ("each", "every", "per", "for all", "their", "its"), the plain columns of
the select list become the GROUP BY. Left alone without such a word, and when every aggregate is a
MAX/MIN and the question has a superlative ("the oldest singer's name and its age" written as
`SELECT name, MAX(age)`: SQLite's bare-column idiom for the row holding the extreme).
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_PER = re.compile(r"\b(each|every|per|for all|their|its)\b")
_SUPERLATIVE = re.compile(r"\b(most|least|highest|lowest|largest|smallest|biggest|greatest|maximum|minimum|max|min)\b|\w{3,}est\b")


def _outside_aggregates(node: exp.Expression) -> list[exp.Column]:
    return [c for c in node.find_all(exp.Column) if not c.find_ancestor(exp.AggFunc, exp.Window, exp.Subquery)]


def add_missing_group_by(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Group, in place, each SELECT that mixes aggregates and plain columns with no GROUP BY, as above."""
    if not question or not _PER.search(question.lower()):
        return []
    fixes = []
    for select in tree.find_all(exp.Select):
        if select.args.get("group") or select.args.get("distinct"):
            continue
        plain, aggregated = [], False
        for e in select.expressions:
            inner = e.this if isinstance(e, exp.Alias) else e
            if any(a.find_ancestor(exp.Select) is select and not a.find_ancestor(exp.Window) for a in inner.find_all(exp.AggFunc)):
                aggregated = True
                if _outside_aggregates(inner):
                    plain = []
                    break  # `x - AVG(x)`: not a per-group answer
            elif isinstance(inner, exp.Column):
                plain.append(inner)
            elif not isinstance(inner, exp.Literal):
                plain = []
                break
        if not aggregated or not plain:
            continue
        extremes = all(isinstance(a, (exp.Max, exp.Min)) for e in select.expressions for a in e.find_all(exp.AggFunc))
        if extremes and _SUPERLATIVE.search(question.lower()):
            continue  # `SELECT name, MAX(age)`: the row holding the extreme, SQLite's bare-column idiom
        select.group_by(*[c.copy() for c in plain], copy=False)
        fixes.append(f"GROUP BY {', '.join(c.sql() for c in plain)} added (the question asks per {', '.join(c.name for c in plain)};"
                     " an aggregate beside plain columns needs it)")
    return fixes
