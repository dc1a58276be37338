"""An aggregate of a column the question does not name, beside one it does: "the average unit price of tracks" as `AVG(Quantity)`.

The fine-tune has a favourite column for "average" in some schemas (`Quantity` for Chinook's
prices). When an AVG/SUM/MAX/MIN takes a column none of whose name words the question has, and the
words right after the question's own aggregate word ("average unit price", "total of the
milliseconds") are the name of exactly one numeric column of the query's tables (preferring, when
two tables share it, the one the question names), the aggregate takes that column instead.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import column_owners, query_tables
from engine.sql.link_tables import name_forms
from engine.sql.text_aggregate import is_numeric, name_words

_WORDS = {
    exp.Avg: r"average|mean|avg",
    exp.Sum: r"total|sum|combined",
    exp.Max: r"maximum|max|highest|largest|biggest|greatest|longest|most",
    exp.Min: r"minimum|min|lowest|smallest|shortest|least|fewest",
}


def _named_after(question: str, kind: type) -> list[str]:
    """The one-to-three-word phrases right after the question's words for this aggregate, joined (`unitprice`)."""
    out = []
    others = "|".join(_WORDS.values())  # "the maximum and minimum millisecond lengths": the words after both
    for m in re.finditer(r"\b(?:" + _WORDS[kind] + r")\s+(?:(?:and|or)\s+(?:" + others + r")\s+)?(?:of\s+)?(?:the\s+|all\s+|a\s+)?((?:[a-z]+\s*){1,3})", question.lower()):
        words = m.group(1).split()
        out += ["".join(words[:n]) for n in range(1, len(words) + 1)]
    return out


def fix_named_aggregates(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Repoint, in place, each aggregate as above; returns the fixes, in words."""
    if not question:
        return []
    asked = set(re.findall(r"[a-z]+", question.lower()))
    asked |= {w[:-1] for w in asked if w.endswith("s")}
    fixes = []
    for select in tree.find_all(exp.Select):
        tables = query_tables(select, catalog)
        if not tables:
            continue
        for agg in select.find_all(*_WORDS):
            col = agg.this
            if agg.find_ancestor(exp.Select) is not select or not isinstance(col, exp.Column):
                continue
            if any(w in asked for w in name_words(col.name)):
                continue  # the question names (part of) it
            phrases = {f for p in _named_after(question, type(agg)) for f in name_forms(p)}
            named = [(alias, name, c.name) for alias, name in tables.values() for c in catalog.table(name).columns
                     if is_numeric(c) and name_forms("".join(name_words(c.name))) & phrases]
            if len(named) > 1:  # two tables share the name (Track.UnitPrice, InvoiceLine.UnitPrice): the one the question names
                named = [n for n in named if name_forms(n[1]) & {f for w in asked for f in name_forms(w)}]
            if len(named) != 1 or not column_owners(col, tables, catalog):
                continue
            alias, name, column = named[0]
            if column.lower() == col.name.lower():
                continue
            before = agg.sql()
            agg.set("this", exp.column(column, table=alias if len(tables) > 1 or col.table else None))
            fixes.append(f"{before} → {agg.sql()} (the question asks for the {type(agg).__name__.lower()} {column})")
    return fixes
