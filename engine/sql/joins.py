"""Adding a join to a SELECT the model wrote, for the linking rules that need one more table."""

from __future__ import annotations

from sqlglot import exp

from engine.catalog.model import ForeignKey, SchemaCatalog, Table


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
