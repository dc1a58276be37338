"""A count of the counted table's rows with that table left out: "the number of tracks on each album" as `SELECT Title, COUNT(*) FROM Album GROUP BY AlbumId`.

Grouped by its own key, one table's groups are one row each, so every count is 1. When a grouped,
single-table answer counts rows (`COUNT(*)` in the select list, HAVING or ORDER BY), and the
question counts a table the answer does not read ("the number of tracks", "how many albums",
"at least 3 albums", "the most albums") that holds exactly one single-column foreign key to the
answer's table, that table is joined on the key, so the count counts its rows per group. When the
counted table has no key to the answer's but exactly one link table has one key to each ("the number
of concerts of each singer" through `singer_in_concert`) and the question names it (as unused_joins
reads names: else that rule would drop it again), the link table is joined: its rows are the counted ones.
"""

from __future__ import annotations

from sqlglot import exp

from engine.catalog.model import ForeignKey, SchemaCatalog
from engine.sql.counted import counted_tables
from engine.sql.joins import join_reference, query_tables
from engine.sql.unused_joins import names_table


def join_counted_table(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Join, in place, the counted table to a grouped one-table answer whose count it should count."""
    if not question or not isinstance(tree, exp.Select) or not tree.args.get("group"):
        return []
    tables = query_tables(tree, catalog)
    if not tables or len(tables) != 1:
        return []
    (alias, name), = tables.values()
    counts = [c for c in tree.find_all(exp.Count) if isinstance(c.this, exp.Star) and c.find_ancestor(exp.Select) is tree]
    if not counts:
        return []
    counted = [t for t in counted_tables(question, catalog) if t.lower() != name.lower()]
    if len(counted) != 1:
        return []
    child = catalog.table(counted[0])
    keys = _keys_to(child, name)
    if not keys and len(bridges := _bridges(catalog, name, child.name)) == 1 and names_table(bridges[0].name, [name], question):
        child = bridges[0]  # singer -< singer_in_concert >- concert: its rows are the concerts of a singer
        keys = _keys_to(child, name)
    if len(keys) != 1:
        return []
    fk = keys[0]
    # join_reference joins a referenced table; here the referencing one joins, so the key runs the other way
    child_alias = join_reference(tree, tables, catalog, alias, fk.ref_columns[0], _reverse(fk, child.name), child)
    return [f"joined {child.name} on {alias}.{fk.ref_columns[0]} = {child_alias}.{fk.columns[0]} "
            f"(the question counts {child.name}; the answer counted rows of {name} alone)"]


def _keys_to(child, parent: str) -> list[ForeignKey]:
    return [fk for fk in child.foreign_keys if fk.ref_table.lower() == parent.lower() and len(fk.columns) == 1]


def _bridges(catalog: SchemaCatalog, parent: str, counted: str) -> list:
    """Tables other than the two with exactly one single-column key to each: a many-to-many link."""
    return [t for t in catalog.tables if t.name.lower() not in (parent.lower(), counted.lower())
            and len(_keys_to(t, parent)) == 1 and len(_keys_to(t, counted)) == 1]


def _reverse(fk: ForeignKey, child: str) -> ForeignKey:
    """The child's key seen from the parent, the shape `join_reference` joins on."""
    return ForeignKey(columns=fk.ref_columns, ref_table=child, ref_columns=fk.columns)
