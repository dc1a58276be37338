"""The tables a SELECT the model wrote reads, and adding a join to it, for the linking rules."""

from __future__ import annotations

from sqlglot import exp

from engine.catalog.model import ForeignKey, SchemaCatalog, Table


def sources(select: exp.Select) -> list[exp.Expression]:
    """What the SELECT reads from: its FROM, then each JOIN (tables, or subqueries)."""
    return [s.this for s in [select.args.get("from_"), *(select.args.get("joins") or [])] if s is not None]


def query_tables(select: exp.Select, catalog: SchemaCatalog) -> dict[str, tuple[str, str]] | None:
    """alias (lower) → (alias as written, table name) for the SELECT's own sources; None when one
    is not a catalog table (a subquery, a CTE): its columns are not the catalog's."""
    tables = {}
    for src in sources(select):
        if not isinstance(src, exp.Table) or not catalog.table(src.name):
            return None
        tables[src.alias_or_name.lower()] = (src.alias_or_name, src.name)
    return tables


def column_owners(col: exp.Column, tables: dict[str, tuple[str, str]], catalog: SchemaCatalog) -> list[tuple[str, str]]:
    """The (alias as written, table name) pairs of `tables` the column can belong to: its
    qualifier's, or every table that has a column of that name when it is bare."""
    return [v for a, v in tables.items() if (a == col.table.lower() if col.table else catalog.table(v[1]).column(col.name))]


def new_alias(aliases: dict[str, str], table: str) -> str:
    """`table` itself when the query names its tables bare, else the next free `Tn`.

    `aliases` maps each alias (lower case) to its table's name."""
    if all(a == t.lower() for a, t in aliases.items()) and table.lower() not in aliases:
        return table
    n = len(aliases) + 1
    while f"t{n}" in aliases:
        n += 1
    return f"T{n}"


def add_join(select: exp.Select, table: str, alias: str, local: exp.Column, remote: str) -> None:
    """`… JOIN table [AS alias] ON local = alias.remote`."""
    source = exp.Table(this=exp.to_identifier(table))
    if alias != table:
        source.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    select.append("joins", exp.Join(this=source, on=exp.EQ(this=local, expression=exp.column(remote, table=alias))))


def pin_bare_columns(select: exp.Select, tables: dict[str, object], joined) -> None:
    """After joining `joined`, a bare column it shares with the query's own tables would be
    ambiguous (`GROUP BY ArtistId` once Artist joins Album): pin it to the one old table that has it.

    `tables` maps each old alias, as written, to its catalog table; subqueries are left alone."""
    for col in select.find_all(exp.Column):
        if col.table or col.find_ancestor(exp.Select) is not select or not joined.column(col.name):
            continue
        owners = [alias for alias, t in tables.items() if t.column(col.name)]
        if len(owners) == 1:
            col.set("table", exp.to_identifier(owners[0]))


def key_reference(table: Table, column: str) -> ForeignKey | None:
    """The one single-column foreign key `column` of `table` is, if it is one."""
    fks = [fk for fk in table.foreign_keys if len(fk.columns) == 1 and fk.columns[0].lower() == column.lower()]
    return fks[0] if len(fks) == 1 else None


def join_reference(select: exp.Select, aliases: dict[str, tuple[str, str]], catalog: SchemaCatalog,
                   owner: str, key: str, fk: ForeignKey, ref: Table) -> str:
    """Join `ref` on `owner.key = ref.<the key it references>`, pinning bare columns the join would
    make ambiguous; returns the alias `ref` got. `aliases`: alias (lower) → (alias as written, table name)."""
    alias = new_alias({a: name for a, (_, name) in aliases.items()}, ref.name)
    pin_bare_columns(select, {case: catalog.table(name) for case, name in aliases.values()}, ref)
    add_join(select, ref.name, alias, exp.column(key, table=owner), fk.ref_columns[0])
    return alias
