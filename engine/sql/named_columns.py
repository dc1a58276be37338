"""Columns the question spells out that the SQL never reads: "average life expectancy" answered without `LifeExpectancy`.

The fine-tune often picks a neighbouring column of the right table (`LocalName` for life
expectancy, `Weight` for cylinders, `Hometown` for the air date). A column whose whole name the
question spells, word for word and in order ("life expectancy", "air date", "cylinders"), is
almost always one the answer needs. Like the question-shape cues (engine.sql.skeleton), this only
decides when to sample other candidates, never rejects an answer. Names too common to tell
anything ("name", "id", "type", …), aggregate words ("average", "total"), and names inside a
table's name ("channel" of `TV_Channel`) are not read.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.link_tables import name_forms, stem
from engine.sql.text_aggregate import name_words

_WORD = re.compile(r"[a-z0-9]+")
# words that name no column in particular: a question says "name" or "type" about anything
_COMMON = frozenset("id ids name names type types code codes number date details description title year age".split())
# and words a question uses for what it does with columns, whatever the schema calls its own
_VERBS = frozenset("average avg total sum count max maximum min minimum".split())


def spelt_columns(question: str, catalog: SchemaCatalog) -> set[str]:
    """Lower-case names of the catalog's columns whose name words the question has, in order, side by side."""
    words = " " + " ".join(stem(w) for w in _WORD.findall(question.lower())) + " "
    tables = [f for t in catalog.table_names() for f in name_forms(t)]
    found: dict[str, str] = {}  # column (lower) → its phrase in the question
    for table in catalog.tables:
        for col in table.columns:
            parts = [stem(p) for p in name_words(col.name, min_len=1)]  # `line_3` is not `line`
            if not parts or (len(parts) == 1 and (parts[0] in _COMMON or len(parts[0]) < 4)):
                continue
            if all(p in _COMMON for p in parts) or any(p in _VERBS for p in parts):
                continue
            if any(f in t for f in name_forms("".join(parts)) for t in tables):
                continue  # "TV channels", "car makers": the question names the table
            if f" {' '.join(parts)} " in words:
                found[col.name.lower()] = f" {' '.join(parts)} "
    # "billing countries" spells `BillingCountry`; the `Country` inside it is no second column
    return {c for c, p in found.items()
            if words.count(p) > sum(words.count(q) for q in set(found.values()) if p != q and p in q)}


def unread_columns(question: str, sql: str, catalog: SchemaCatalog, dialect: str | None = None) -> list[str]:
    """The spelt columns (as above) that the SQL reads from no table; none when it does not parse."""
    spelt = spelt_columns(question, catalog)
    if not spelt:
        return []
    try:
        tree = sqlglot.parse_one(sql, read=dialect or None)
    except sqlglot.errors.SqlglotError:
        return []
    read = [c.name.lower().replace("_", "") for c in tree.find_all(exp.Column)]
    # a longer name holding the spelt one reads it: "billing countries" → `BillingCountry`, not `Country`
    return sorted(c for c in spelt if not any(c.replace("_", "") in r for r in read))
