"""A condition on a value the question never mentions: "addresses of customers living in Germany" with `AND FirstName = 'John'`.

The fine-tune invents filters from its training data's habits (a name, a date). When a condition of
the top-level WHERE (one part of an AND) compares a column with a text literal of four or more
characters that shares no word with the question (nor a number, nor its digits), and the query has
another condition left, the condition is dropped. Codes and flags ('T', 'F', 'Y') are too short to
read and stay, as do literals in subqueries and in OR.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.both_values import conjuncts

_WORD = re.compile(r"[a-z0-9]+")


def _mentioned(literal: str, question: str) -> bool:
    asked = set(_WORD.findall(question.lower()))
    asked |= {w[:-1] for w in asked if w.endswith("s")}
    words = _WORD.findall(literal.lower())
    return any(w in asked or w.rstrip("s") in asked or (len(w) >= 4 and w in question.lower()) for w in words)


def _unasked(part: exp.Expression, question: str) -> bool:
    if not isinstance(part, exp.EQ | exp.Like | exp.GT | exp.LT | exp.GTE | exp.LTE | exp.Between):
        return False
    literals = [lit for lit in part.find_all(exp.Literal) if lit.is_string]
    return bool(literals) and all(len(lit.this.strip("%")) >= 4 and re.search(r"[a-zA-Z0-9]", lit.this)
                                  and not _mentioned(lit.this.strip("%"), question) for lit in literals)


def drop_unasked_literals(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Drop, in place, the top-level conditions on values the question does not mention, as above."""
    if not question or not isinstance(tree, exp.Select) or not (where := tree.args.get("where")):
        return []
    parts = conjuncts(where.this)
    keep = [p for p in parts if not _unasked(p, question)]
    if len(keep) == len(parts) or not keep:
        return []
    dropped = [p for p in parts if p not in keep]
    tree.set("where", exp.Where(this=exp.and_(*[p.copy() for p in keep])))
    return [f"dropped {p.sql()} (the question never mentions that value)" for p in dropped]
