"""A value the question names that the answer never filters on: "How many different forms of
government are there in Africa?" as `SELECT COUNT(DISTINCT GovernmentForm) FROM country`.

Small models drop a condition as often as they garble one. When the question names, as a proper
noun (capitalised, not its first word), a value stored in exactly one column of the answer's
tables, and the answer neither shows that column nor compares anything with the value (or with a
literal overlapping it), `<column> = '<stored value>'` is added to its WHERE. Only plain one-level
SELECTs are touched: with a subquery or a set operation, where the condition belongs is not
knowable. On Spider dev's recorded answers it fired on 3 of 1034 (2 gained, 0 lost), on defog's on
6 of 210 (1 gained, 0 lost), on Chinook's and Sakila's never.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import query_tables
from engine.sql.link_values import StoredValues

_WORD = re.compile(r"[\w'/&.-]+")
MAX_WORDS = 4


def _proper_phrases(question: str) -> list[str]:
    """Phrases of up to MAX_WORDS words that start with a capital, the question's first word aside."""
    words = [m.group().strip(".'") for m in _WORD.finditer(question)]
    out = []
    for i in range(1, len(words)):
        if words[i][:1].isupper():
            out += [" ".join(words[i:i + n]) for n in range(1, MAX_WORDS + 1) if i + n <= len(words)]
    return out


def add_missing_value(tree: exp.Expression, catalog: SchemaCatalog, values: StoredValues, question: str) -> list[str]:
    """Add, in place, the one missing comparison as above; returns the fix, in words."""
    if not question or not isinstance(tree, exp.Select) or tree.find(exp.Subquery, exp.SetOperation):
        return []
    tables = query_tables(tree, catalog)
    if not tables:
        return []
    by_table = {name.lower(): alias for alias, name in tables.values()}
    literals = [lit.this.lower() for lit in tree.find_all(exp.Literal) if lit.is_string]
    shown = {c.name.lower() for e in tree.expressions for c in e.find_all(exp.Column)}
    found = {}
    for phrase in _proper_phrases(question):
        for table, column, stored in values.places(phrase):
            low = stored.lower()
            if table.lower() in by_table and column.lower() not in shown and not any(low in s or s in low for s in literals):
                found[(table.lower(), column.lower(), stored)] = (table, column, stored)
    if len(found) != 1:
        return []
    (table, column, stored), = found.values()
    col = exp.column(column, table=by_table[table.lower()] if len(tables) > 1 else None)
    tree.where(exp.EQ(this=col, expression=exp.Literal.string(stored)), copy=False)
    return [f"added {col.sql()} = '{stored}' (the question names it; the answer never compared it)"]
