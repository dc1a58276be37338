"""Adding a join to a SELECT the model wrote, for the linking rules that need one more table."""

from __future__ import annotations

from sqlglot import exp


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
