"""A count of the counted table's rows with that table left out: "the number of tracks on each album" as `SELECT Title, COUNT(*) FROM Album GROUP BY AlbumId`.

Grouped by its own key, one table's groups are one row each, so every count is 1. When a grouped,
single-table answer counts rows (`COUNT(*)` in the select list, HAVING or ORDER BY), and the
question counts a table the answer does not read ("the number of tracks", "how many albums",
"at least 3 albums", "the most albums") that holds exactly one single-column foreign key to the
answer's table, that table is joined on the key, so the count counts its rows per group. When the
counted table has no key to the answer's but exactly one link table has one key to each ("the number
of concerts of each singer" through `singer_in_concert`) and the question names it (as unused_joins
reads names: else that rule would drop it again), the link table is joined: its rows are the counted ones.
Likewise a chain ("the owner with the most treatments on their dogs": owners -< dogs -< treatments)
whose middle table the question names joins both.
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
    counted_name = child.name
    keys, then = _keys_to(child, name), None
    if not keys:
        linked = [b for b in _bridges(catalog, name, child.name) if names_table(b.name, [name], question)]
        chained = [m for m in _middles(catalog, name, child) if names_table(m.name, [name, child.name], question)]
        if len(linked) + len(chained) != 1:
            return []
        if linked:
            child = linked[0]  # singer -< singer_in_concert >- concert: its rows are the concerts of a singer
        else:
            child, then = chained[0], child  # owner -< dog -< treatment: the treatments of an owner's dogs
        keys = _keys_to(child, name)
    if len(keys) != 1:
        return []
    fk = keys[0]
    # join_reference joins a referenced table; here the referencing one joins, so the key runs the other way
    child_alias = join_reference(tree, tables, catalog, alias, fk.ref_columns[0], _reverse(fk, child.name), child)
    joined = f"{child.name} on {alias}.{fk.ref_columns[0]} = {child_alias}.{fk.columns[0]}"
    if then is not None:
        tables[child_alias.lower()] = (child_alias, child.name)
        fk2 = _keys_to(then, child.name)[0]
        then_alias = join_reference(tree, tables, catalog, child_alias, fk2.ref_columns[0], _reverse(fk2, then.name), then)
        joined += f" and {then.name} on {child_alias}.{fk2.ref_columns[0]} = {then_alias}.{fk2.columns[0]}"
    return [f"joined {joined} (the question counts {counted_name}; the answer counted rows of {name} alone)"]


def _keys_to(child, parent: str) -> list[ForeignKey]:
    return [fk for fk in child.foreign_keys if fk.ref_table.lower() == parent.lower() and len(fk.columns) == 1]


def _bridges(catalog: SchemaCatalog, parent: str, counted: str) -> list:
    """Tables other than the two with exactly one single-column key to each: a many-to-many link."""
    return [t for t in catalog.tables if t.name.lower() not in (parent.lower(), counted.lower())
            and len(_keys_to(t, parent)) == 1 and len(_keys_to(t, counted)) == 1]


def _middles(catalog: SchemaCatalog, parent: str, counted) -> list:
    """Tables with one single-column key to `parent` that `counted` has one single-column key to: a chain."""
    return [t for t in catalog.tables if t.name.lower() not in (parent.lower(), counted.name.lower())
            and len(_keys_to(t, parent)) == 1 and len(_keys_to(counted, t.name)) == 1]


def _reverse(fk: ForeignKey, child: str) -> ForeignKey:
    """The child's key seen from the parent, the shape `join_reference` joins on."""
    return ForeignKey(columns=fk.ref_columns, ref_table=child, ref_columns=fk.columns)
