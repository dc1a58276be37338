"""A join on two columns that do not reference each other: `stadium AS T1 JOIN concert AS T2 ON T1.stadium_id = T2.concert_id`.

The fine-tune pairs keys by position more than by meaning, and a join on unrelated ids matches
rows at random. When a JOIN's condition is one equation between a column of the joined table and
a column of another table of the query, the two are not a declared foreign key (either way), do
not share a name, and the catalog declares exactly one single-column foreign key between those two
tables, the condition becomes that key. Two keys between the tables are the join-roles rule's
business; none (a schema without declared keys) leaves the join as written.
"""

from __future__ import annotations

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import column_owners, query_tables


def _links(catalog: SchemaCatalog, a: str, b: str) -> list[tuple[str, str]]:
    """(column of a, column of b) for each single-column foreign key between tables a and b, either way."""
    out = []
    for fk in catalog.table(a).foreign_keys:
        if fk.ref_table.lower() == b.lower() and len(fk.columns) == 1:
            out.append((fk.columns[0], fk.ref_columns[0]))
    for fk in catalog.table(b).foreign_keys:
        if fk.ref_table.lower() == a.lower() and len(fk.columns) == 1:
            out.append((fk.ref_columns[0], fk.columns[0]))
    return list(dict.fromkeys((x.lower(), y.lower()) for x, y in out))


def fix_join_keys(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Put, in place, each such join on the one key its two tables declare; returns the fixes, in words."""
    fixes = []
    for select in tree.find_all(exp.Select):
        tables = query_tables(select, catalog)
        if not tables:
            continue
        for join in select.args.get("joins") or []:
            on = join.args.get("on")
            if not isinstance(on, exp.EQ) or not all(isinstance(s, exp.Column) for s in (on.this, on.expression)):
                continue
            sides = [column_owners(s, tables, catalog) for s in (on.this, on.expression)]
            if any(len(o) != 1 for o in sides):
                continue
            (alias_a, a), (alias_b, b) = sides[0][0], sides[1][0]
            joined = join.this.alias_or_name.lower()
            if a.lower() == b.lower() or joined not in (alias_a.lower(), alias_b.lower()):
                continue
            ca, cb = on.this.name.lower(), on.expression.name.lower()
            links = _links(catalog, a, b)
            if ca == cb or (ca, cb) in links or len(links) != 1:
                continue
            (ka, kb), = links
            real_a = next(c.name for c in catalog.table(a).columns if c.name.lower() == ka)
            real_b = next(c.name for c in catalog.table(b).columns if c.name.lower() == kb)
            fixed = exp.EQ(this=exp.column(real_a, table=alias_a), expression=exp.column(real_b, table=alias_b))
            fixes.append(f"ON {on.sql()} → ON {fixed.sql()} (the key {a} and {b} are declared to share)")
            on.replace(fixed)
    return fixes
