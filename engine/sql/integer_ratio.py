"""A ratio that truncates: `SELECT COUNT(*) / (SELECT COUNT(*) FROM t) …` is 0 in SQLite and PostgreSQL.

Both divide two integers as integers, so a ratio or share written with COUNT / SUM of integer
columns comes back 0 (or 1) however it was meant. A person never asks for that truncation, and
every ratio in BIRD's and defog's gold queries casts one side (`CAST(… AS REAL)`); Spider's gold
queries never divide. So where both sides of a division are surely integers (counts, integer
literals, integer columns, their SUM / MIN / MAX, or a scalar subquery of one), the numerator is
cast to a floating type. A division by a literal is a unit conversion ("in integer minutes":
`seconds / 60`, as defog's gold writes it) and stays as written. MySQL and DuckDB divide as
floats already: nothing to do there.
"""

from __future__ import annotations

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.prompt.schema_text import type_family
from engine.sql.joins import column_owners, query_tables

_INTEGER_DIVISION = {"sqlite", "postgres"}


def _is_integer_column(col: exp.Column, catalog: SchemaCatalog) -> bool:
    select = col.find_ancestor(exp.Select)
    tables = query_tables(select, catalog) if select is not None else None
    owners = column_owners(col, tables, catalog) if tables else []
    column = catalog.table(owners[0][1]).column(col.name) if len(owners) == 1 else None
    return column is not None and type_family(column.type) == "INTEGER"


def _is_integer(node: exp.Expression, catalog: SchemaCatalog) -> bool:
    node = node.unnest() if isinstance(node, exp.Paren) else node  # a Subquery's unnest() would open it
    if isinstance(node, exp.Count):
        return True
    if isinstance(node, exp.Literal):
        return not node.is_string and node.this.lstrip("-").isdigit()
    if isinstance(node, exp.Column):
        return _is_integer_column(node, catalog)
    if isinstance(node, (exp.Sum, exp.Min, exp.Max)):
        return _is_integer(node.this, catalog)
    if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select) and len(node.this.expressions) == 1:
        return _is_integer(node.this.expressions[0].unalias(), catalog)
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
        return _is_integer(node.left, catalog) and _is_integer(node.right, catalog)
    return False


def cast_integer_ratios(tree: exp.Expression, catalog: SchemaCatalog, dialect: str) -> list[str]:
    """Cast, in place, the numerator of each division of two integers to a floating type."""
    if dialect not in _INTEGER_DIVISION:
        return []
    fixes = []
    for div in list(tree.find_all(exp.Div)):
        if isinstance(div.right.unnest(), exp.Literal):
            continue
        if _is_integer(div.left, catalog) and _is_integer(div.right, catalog):
            before = div.left.sql(dialect)
            cast = div.left.replace(exp.cast(div.left.copy(), exp.DataType.build("double")))
            fixes.append(f"{before} → {cast.sql(dialect)} (two integers divide as integers: the ratio would truncate)")
    return fixes
