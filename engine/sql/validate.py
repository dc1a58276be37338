"""The ordered SQL checks, one rule per module, run in sequence like sqlglot's optimizer RULES."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.guard import parse_single_select
from engine.sql.limit import cap_rows
from engine.sql.quoted_strings import fix_quoted_strings
from engine.sql.schema_check import check_columns, check_tables


@dataclass
class CheckedSql:
    sql: str  # what will run: regenerated from the checked tree, capped, in the target dialect
    tree: exp.Expression


def _quoted_strings(tree, catalog, dialect, cap):
    return fix_quoted_strings(tree, catalog)


def _tables(tree, catalog, dialect, cap):
    check_tables(tree, catalog)
    return tree


def _columns(tree, catalog, dialect, cap):
    check_columns(tree, catalog, dialect)
    return tree


def _limit(tree, catalog, dialect, cap):
    return cap_rows(tree, cap)


RULES = (_quoted_strings, _tables, _columns, _limit)


def check_sql(sql: str, catalog: SchemaCatalog, row_cap: int | None = 1000, dialect: str | None = None) -> CheckedSql:
    """Parse + read-only gate, then every rule; raises SqlRejected with the first failure."""
    dialect = dialect or catalog.dialect
    tree = parse_single_select(sql, dialect)
    for rule in RULES:
        tree = rule(tree, catalog, dialect, row_cap)
    return CheckedSql(sql=tree.sql(dialect=catalog.dialect), tree=tree)
