"""People counted as rows: "How many people live in Gelderland district?" as `SELECT COUNT(*) FROM city …`.

A city or a country is one row however many people live there; its `Population` column holds the
people. When the question asks how many people / residents / inhabitants, the answer is a bare
`COUNT(*)` over one table that has a population column, and no table of the query is a table of
people (then a row is a person and the count is right), the count becomes the sum of that column.
In Spider's gold, every such question over a table with a population column sums it.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import query_tables

_PEOPLE = re.compile(r"\bhow many (people|persons|residents|inhabitants|citizens)\b")
_PERSON_TABLE = re.compile(r"people|person|resident|inhabitant|citizen|member|employee|customer|student", re.I)


def sum_population(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Turn, in place, the top-level `COUNT(*)` into `SUM(<population column>)` as above."""
    if not _PEOPLE.search(question.lower()) or not isinstance(tree, exp.Select) or len(tree.expressions) != 1:
        return []
    count = tree.expressions[0]
    if not isinstance(count, exp.Count) or not isinstance(count.this, exp.Star) or tree.args.get("group"):
        return []
    tables = query_tables(tree, catalog)
    if not tables or any(_PERSON_TABLE.search(name) for _, name in tables.values()):
        return []
    found = [(alias, c.name) for alias, (_, name) in tables.items() if (t := catalog.table(name))
             for c in t.columns if c.name.lower() == "population"]
    if len(found) != 1:
        return []
    alias, column = found[0]
    col = exp.column(column, table=tables[alias][0] if len(tables) > 1 else None)
    count.replace(exp.Sum(this=col))
    return [f"COUNT(*) → SUM({col.sql()}) (the question counts people, not rows)"]
