"""A count of rows where the question counts things: "how many dogs went through any treatment" as `COUNT(*) FROM Treatments`.

Counting the rows of a table that holds a key to what the question counts (treatments → dogs,
has_pet → students) counts a dog once per treatment. When the question asks "how many <X>" /
"the number of <X>", the answer is one `COUNT(*)` over a query that does not read X's table, and
exactly one of the query's tables has a single-column foreign key to it, the count becomes
`COUNT(DISTINCT that key)`; and when the query does read X, joined to a table holding its key,
`COUNT(DISTINCT X's primary key)`. Not for a negated question ("how many artists have no album"): those
are the ones whose keys the table lacks, which no count over it finds.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog, Table
from engine.sql.counted import counted_tables
from engine.sql.joins import query_tables

_NEGATED = re.compile(r"\b(not|no|never|without|n't)\b")  # "artists with no album" are the ones whose keys are absent


def count_distinct_keys(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Make, in place, the top-level `COUNT(*)` a count of distinct keys of the counted table, as above."""
    if not question or _NEGATED.search(question.lower()) or not isinstance(tree, exp.Select):
        return []
    if tree.args.get("group") or len(tree.expressions) != 1:
        return []
    count = tree.expressions[0]
    if not isinstance(count, exp.Count) or not isinstance(count.this, exp.Star):
        return []
    tables = query_tables(tree, catalog)
    counted = counted_tables(question, catalog)
    if not tables or len(counted) != 1:
        return []
    target = next(iter(counted))
    read = {name.lower(): alias for alias, name in tables.values()}
    if target.lower() in read:  # joined to rows that hold its key: each counted once per such row
        return _count_joined(count, catalog.table(target), read[target.lower()], tables, catalog)
    keys = [(alias, fk.columns[0]) for alias, name in tables.values() for fk in catalog.table(name).foreign_keys
            if fk.ref_table.lower() == target.lower() and len(fk.columns) == 1]
    if len(keys) != 1:
        return []
    alias, key = keys[0]
    column = exp.column(key, table=alias if len(tables) > 1 else None)
    count.set("this", exp.Distinct(expressions=[column]))
    return [f"COUNT(*) → {count.sql()} (the question counts {target}; each row of the query holds one's key)"]


def _count_joined(count: exp.Count, target: Table, alias: str, tables: dict, catalog: SchemaCatalog) -> list[str]:
    """`COUNT(*) FROM Dogs JOIN Treatments …` for "how many dogs": `COUNT(DISTINCT Dogs.dog_id)`, when
    another table of the query holds a key to the counted one and the counted one has a one-column primary key."""
    pk = [c.name for c in target.columns if c.primary_key]
    children = [name for _, name in tables.values() if name.lower() != target.name.lower()
                and any(fk.ref_table.lower() == target.name.lower() for fk in catalog.table(name).foreign_keys)]
    if len(pk) != 1 or not children:
        return []
    count.set("this", exp.Distinct(expressions=[exp.column(pk[0], table=alias)]))
    return [f"COUNT(*) → {count.sql()} (the question counts {target.name}; joined to {children[0]}, each is a row per {children[0]})"]
