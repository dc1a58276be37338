"""A number the question ties to a column, compared in another: "cars with over 6 cylinders" as `Weight > 6`.

The fine-tune copies the question's number but often compares it with the wrong column of the
right table (`Weight` for cylinders, `Date_Effective_From` for "version number greater than 5").
When a comparison of a column with a number (`col op N`) is in a SELECT over catalog tables, the
question names neither that column nor its words, and the words right after N ("6 cylinders") or
right before it, past the comparison words ("version number greater than 5", "life expectancy less
than 72"), are the name words of exactly one numeric, non-key column of the query's tables, the
comparison takes that column. A number the question gives twice, or beside two columns' names, is
left alone.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import column_owners, query_tables
from engine.sql.link_tables import stem
from engine.sql.text_aggregate import is_key, is_numeric, name_words

_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+")
# what may stand between a column's name and the number after it: "amount greater than 10", "age of 30"
_BETWEEN = frozenset(
    "is are was were be of than equal equals to at least most more less fewer greater smaller larger bigger higher "
    "lower over under above below exceeding exceeds not no".split()
)


def _beside(question: str, number: float) -> list[tuple[list[str], list[str]]] | None:
    """For each place the question gives `number`: the stemmed words right after it ("6 cylinders")
    and those right before it, past the comparison words ("amount greater than 10"); None when it gives none."""
    tokens = _TOKEN.findall(question.lower().replace(",", ""))
    spots = [i for i, t in enumerate(tokens) if t[0].isdigit() and float(t) == number]
    if not spots:
        return None
    out = []
    for i in spots:
        j = i
        while j > 0 and tokens[j - 1] in _BETWEEN:
            j -= 1
        after = [stem(t) for t in tokens[i + 1 : i + 5]]
        before = [stem(t) for t in tokens[max(0, j - 4) : j]]
        out.append((after, before))
    return out


def _parts(column: str) -> list[str]:
    return [stem(w) for w in name_words(column)]


def _names(words: set[str], column: str) -> bool:
    parts = _parts(column)
    return bool(parts) and all(p in words for p in parts)


def _beside_name(beside: tuple[list[str], list[str]], column: str) -> bool:
    """The column's name words are the words right after the number, or right before it."""
    parts = _parts(column)
    after, before = beside
    return bool(parts) and (after[: len(parts)] == parts or (len(before) >= len(parts) and before[-len(parts):] == parts))


def repoint_numbered_columns(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Repoint, in place, each comparison as above; returns the fixes, in words."""
    if not question:
        return []
    asked = {stem(t) for t in _TOKEN.findall(question.lower()) if not t[0].isdigit()}
    fixes = []
    for select in tree.find_all(exp.Select):
        tables = query_tables(select, catalog)
        if not tables:
            continue
        used = {c.name.lower() for c in select.find_all(exp.Column)}
        for cmp in select.find_all(*_COMPARISONS):
            col, lit = cmp.this, cmp.expression
            if isinstance(col, exp.Literal):
                col, lit = lit, col
            if (cmp.find_ancestor(exp.Select) is not select or not isinstance(col, exp.Column)
                    or not isinstance(lit, exp.Literal) or lit.is_string):
                continue
            if _names(asked, col.name) or not column_owners(col, tables, catalog):
                continue  # the question names it (or it is not the query's own column)
            beside = _beside(question, float(lit.this))
            if beside is None or len(beside) != 1:
                continue
            named = [(alias, c.name) for alias, name in tables.values() for c in catalog.table(name).columns
                     if is_numeric(c) and not is_key(catalog.table(name), c) and c.name.lower() not in used
                     and _beside_name(beside[0], c.name)]
            if len(named) != 1:
                continue
            alias, column = named[0]
            before = cmp.sql()
            col.replace(exp.column(column, table=alias if len(tables) > 1 or col.table else None))
            fixes.append(f"{before} → {cmp.sql()} (the question gives {lit.this} with {column})")
    return fixes

