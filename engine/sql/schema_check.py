"""Every table and column the SQL names must exist in the catalog; suggest the closest real names."""

from __future__ import annotations

import difflib

from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify

from engine.catalog.model import SchemaCatalog
from engine.sql.errors import SqlRejected


def _close(name: str, options: list[str], n: int = 3) -> list[str]:
    low = {o.lower(): o for o in options}
    return [low[m] for m in difflib.get_close_matches(name.lower(), list(low), n=n, cutoff=0.5)]


def unknown_tables(tree: exp.Expression, catalog: SchemaCatalog) -> list[exp.Table]:
    """The tables the SQL names that are neither in the catalog nor its own CTEs (any case)."""
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    known = {t.lower() for t in catalog.table_names()}
    return [
        t for t in tree.find_all(exp.Table)
        if t.name and t.name.lower() not in ctes | known
        and not isinstance(t.this, exp.Func)  # table-valued function, e.g. generate_series
    ]


def check_tables(tree: exp.Expression, catalog: SchemaCatalog) -> None:
    unknown = unknown_tables(tree, catalog)
    if unknown:
        name = unknown[0].name
        raise SqlRejected(
            "unknown_table", f"Table '{name}' does not exist.", _close(name, catalog.table_names()) or catalog.table_names()[:5]
        )


def check_columns(tree: exp.Expression, catalog: SchemaCatalog, dialect: str) -> None:
    """Qualify against the catalog; sqlglot reports unknown/ambiguous columns, we add suggestions."""
    try:
        qualify(
            tree.copy(),
            schema=catalog.as_sqlglot_schema(),
            dialect=dialect,
            validate_qualify_columns=True,
            quote_identifiers=False,
            identify=False,
        )
    except OptimizeError as exc:
        raise _column_error(str(exc), tree, catalog) from exc
    except SqlglotError:
        return  # constructs qualify cannot follow; the database will judge them


def _column_error(message: str, tree: exp.Expression, catalog: SchemaCatalog) -> SqlRejected:
    used = [catalog.table(t.name) for t in tree.find_all(exp.Table)]
    used = [t for t in used if t is not None] or catalog.tables
    all_cols = sorted({c.name for t in used for c in t.columns})
    qualified = {f"{t.name}.{c.name}" for t in used for c in t.columns}
    aliases = {a.alias.lower() for a in tree.find_all(exp.Alias) if a.alias}
    for col in tree.find_all(exp.Column):
        if col.name == "*" or col.name.lower() in aliases:
            continue
        if not any(col.name.lower() == c.lower() for c in all_cols):
            options = _close(col.name, all_cols) or _close(col.name, sorted(qualified))
            where = ", ".join(f"{t.name}({', '.join(c.name for c in t.columns)})" for t in used[:4])
            return SqlRejected(
                "unknown_column",
                f"Column '{col.sql()}' does not exist in {', '.join(t.name for t in used[:4])}. Columns: {where}.",
                [_owner(o, used) for o in options],
            )
    for col in tree.find_all(exp.Column):
        owners = [t.name for t in used if t.column(col.name)]
        if not col.table and len(owners) > 1:
            return SqlRejected(
                "ambiguous_column",
                f"Column '{col.name}' is in several tables ({', '.join(owners)}); prefix it with its table.",
                [f"{o}.{col.name}" for o in owners],
            )
    if "ambiguous" in message.lower():
        return SqlRejected("ambiguous_column", f"{message.splitlines()[0]}. Prefix the column with its table name.")
    return SqlRejected("column", message.splitlines()[0])


def _owner(col: str, tables) -> str:
    for t in tables:
        if t.column(col):
            return f"{t.name}.{t.column(col).name}"
    return col
