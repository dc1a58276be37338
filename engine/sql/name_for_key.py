"""A question that asks for names, answered with a key: show the name the key stands for.

"Which artist does the album 'Balls to the Wall' belong to?" — the fine-tuned model often selects
`T1.ArtistId`: the right row, shown as a number nobody asked for. When the answer's only column is
a key (a table's primary key, or a foreign key to one) and the question asks for a name (`name`,
`which`, `who`) and not for ids, codes or numbers, the column becomes the keyed table's name
column (`Name`, `<table>_name`, `Title`, or its one other `…name` column), joining that table
when the query left it out. Anything less clear is left as written.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog, Table
from engine.sql.joins import column_owners, join_reference, key_reference, query_tables

_ASKS_NAME = re.compile(r"\bnames?\b|\bwhich\b|^who\b", re.I)
_ASKS_KEY = re.compile(r"\bids?\b|identif|\bcodes?\b|\bnumbers?\b|\bkeys?\b", re.I)
_PERSON_PART = re.compile(r"(first|last|middle|given|family|nick|user|f|l)_?name$", re.I)


def name_column(table: Table) -> str | None:
    """The column that names a row of `table`, if one clearly does."""
    by_lower = {c.name.lower(): c.name for c in table.columns}
    for key in ("name", f"{table.name.lower()}_name", f"{table.name.lower()}name", "title"):
        if key in by_lower:
            return by_lower[key]
    named = [c.name for c in table.columns if c.name.lower().endswith("name") and not _PERSON_PART.search(c.name)]
    return named[0] if len(named) == 1 else None


def name_for_key(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Rewrite the answer's one key column to a name column in place; returns the fix, in words."""
    if not question or not _ASKS_NAME.search(question) or _ASKS_KEY.search(question):
        return []
    if not isinstance(tree, exp.Select) or len(tree.expressions) != 1 or not isinstance(tree.expressions[0], exp.Column):
        return []
    col = tree.expressions[0]
    aliases = query_tables(tree, catalog)
    if aliases is None:
        return []
    owners = column_owners(col, aliases, catalog)
    if len(owners) != 1:
        return []
    owner_alias, table = owners[0][0], catalog.table(owners[0][1])
    key = table.column(col.name)
    fk = key_reference(table, key.name)
    before = col.sql()
    if key.primary_key and not fk:
        if not (name := name_column(table)):
            return []
        col.set("this", exp.to_identifier(name))
        _group_by_too(tree, key.name, col)
        return [f"{before} → {col.sql()} (the question asks for names, not keys)"]
    ref = catalog.table(fk.ref_table) if fk else None
    if ref is None or not (name := name_column(ref)):
        return []
    present = [case for case, n in aliases.values() if n.lower() == ref.name.lower()]
    if len(present) > 1:
        return []  # the table is in the query twice: which side is meant is not knowable
    if present:
        alias = present[0]
    else:
        alias = join_reference(tree, aliases, catalog, owner_alias, key.name, fk, ref)
    col.set("this", exp.to_identifier(name))
    col.set("table", exp.to_identifier(alias))
    _group_by_too(tree, key.name, col)
    return [f"{before} → {col.sql()} (the question asks for names, not keys{'' if present else f'; joined {ref.name}'})"]


def _group_by_too(tree: exp.Select, key: str, shown: exp.Column) -> None:
    """Grouped by the key: group by the name as well, which PostgreSQL requires (same groups)."""
    group = tree.args.get("group")
    if group and any(isinstance(e, exp.Column) and e.name.lower() == key.lower() for e in group.expressions):
        group.append("expressions", shown.copy())
