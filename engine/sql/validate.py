"""The ordered SQL checks, one rule per module, run in sequence like sqlglot's optimizer RULES."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.guard import parse_single_select
from engine.sql.limit import cap_rows
from engine.sql.link_columns import link_columns
from engine.sql.link_tables import link_tables
from engine.sql.quoted_strings import fix_quoted_strings
from engine.sql.schema_check import check_columns, check_tables


@dataclass
class CheckedSql:
    sql: str  # what will run: regenerated from the checked tree, capped, in the target dialect
    tree: exp.Expression
    fixes: list[str] = field(default_factory=list)  # what table and column linking changed, for the trace


def _quoted_strings(tree, catalog, dialect, cap, fixes):
    return fix_quoted_strings(tree, catalog)


def _link_tables(tree, catalog, dialect, cap, fixes):
    fixes.extend(link_tables(tree, catalog))
    return tree


def _tables(tree, catalog, dialect, cap, fixes):
    check_tables(tree, catalog)
    return tree


def _link_columns(tree, catalog, dialect, cap, fixes):
    fixes.extend(link_columns(tree, catalog))
    return tree


def _columns(tree, catalog, dialect, cap, fixes):
    check_columns(tree, catalog, dialect)
    return tree


def _limit(tree, catalog, dialect, cap, fixes):
    return cap_rows(tree, cap)


RULES = (_quoted_strings, _link_tables, _tables, _link_columns, _columns, _limit)
REWRITES = {_link_tables, _link_columns}  # rules that change what the author wrote: only for model output


def check_sql(
    sql: str, catalog: SchemaCatalog, row_cap: int | None = 1000, dialect: str | None = None, link: bool = False,
    link_tables: bool = True,
) -> CheckedSql:
    """Parse + read-only gate, then every rule; raises SqlRejected with the first failure.

    `link` turns on table and column linking, for SQL a model wrote; SQL a person saved is checked as written.
    `link_tables=False` leaves table names alone even then (to measure the two apart).
    """
    dialect = dialect or catalog.dialect
    tree = parse_single_select(sql, dialect)
    fixes: list[str] = []
    skipped = (set() if link else REWRITES) | (set() if link_tables else {_link_tables})
    for rule in RULES:
        if rule in skipped:
            continue
        tree = rule(tree, catalog, dialect, row_cap, fixes)
    return CheckedSql(sql=tree.sql(dialect=catalog.dialect), tree=tree, fixes=fixes)
