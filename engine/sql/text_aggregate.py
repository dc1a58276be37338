"""A sum or average of a text column: point it at the numeric column the question names.

`SUM(LocalName)` for "the total surface area", `AVG(LocalName)` for "the average life expectancy":
SQLite sums text as 0 and PostgreSQL refuses, so the answer is wrong either way. When SUM or AVG
takes a text column the question does not name, and exactly one numeric column of that table
(not a key, not already in the query) has every word of its name in the question (`SurfaceArea`:
"surface", "area"), the aggregate takes that column instead.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import Column, SchemaCatalog, Table
from engine.prompt.schema_text import type_family
from engine.sql.joins import column_owners, query_tables

_WORDS = re.compile(r"[a-z]+")
_SPLIT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _asked(question: str) -> set[str]:
    words = set(_WORDS.findall(question.lower()))
    return words | {w[:-1] for w in words if w.endswith("s") and len(w) > 3}


def name_words(name: str, min_len: int = 2) -> list[str]:
    """`SurfaceArea` → [surface, area]; `life_expectancy` → [life, expectancy]; parts shorter than
    `min_len` (the `3` of `line_3`, by default) are left out."""
    return [p.lower() for chunk in name.split("_") for p in _SPLIT.findall(chunk) if len(p) >= min_len]


def is_numeric(c: Column) -> bool:
    return type_family(c.type) in ("INTEGER", "REAL")


def fix_text_aggregates(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Repoint, in place, every SUM/AVG of a text column as above; returns the fixes, in words."""
    if not question:
        return []
    asked, fixes = _asked(question), []
    for select in tree.find_all(exp.Select):
        tables = query_tables(select, catalog)
        if not tables:
            continue
        used = {c.name.lower() for c in select.find_all(exp.Column)}
        for agg in select.find_all(exp.Sum, exp.Avg):
            col = agg.this
            if agg.find_ancestor(exp.Select) is not select or not isinstance(col, exp.Column):
                continue
            owners = [catalog.table(name) for _, name in column_owners(col, tables, catalog)]
            if len(owners) != 1 or not (current := owners[0].column(col.name)) or is_numeric(current):
                continue
            if all(w in asked for w in name_words(current.name)):
                continue  # the question names it: a number stored as text (`MPG`), not a slip
            named = [c for c in owners[0].columns if is_numeric(c) and not is_key(owners[0], c) and c.name.lower() not in used
                     and (words := name_words(c.name)) and all(w in asked for w in words)]
            if len(named) != 1:
                continue
            before = agg.sql()
            col.set("this", exp.to_identifier(named[0].name))
            fixes.append(f"{before} → {agg.sql()} ({current.name} holds text; the question asks for {named[0].name})")
    return fixes


def is_key(table: Table, c: Column) -> bool:
    return c.primary_key or any([c.name.lower()] == [x.lower() for x in fk.columns] for fk in table.foreign_keys)
