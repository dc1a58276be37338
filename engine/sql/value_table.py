"""A value named with its table, compared in another one: "tracks that belong to rock genre" as `Track.Name = 'Rock'`.

Literal linking cannot tell that `Track.Name` lacks 'Rock': the value index does not read a column
with thousands of distinct values whole. But the question says which table the value belongs to —
the table's name stands right beside it ("rock genre", "the genre Rock", "Jazz genre tracks"). When
that named table is one the compared column's table holds a foreign key to, and the value index
says one of its columns stores the value, the comparison moves there (joining the table if the
query lacks it), spelt as stored. Only for columns the index did not read whole.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import join_reference
from engine.sql.link_tables import name_forms
from engine.sql.link_values import StoredValues, owner_alias, string_equalities


def _named_beside(question: str, value: str, catalog: SchemaCatalog) -> set[str]:
    """The catalog tables named within two words of the value in the question."""
    words = re.findall(r"[\w'&/.-]+", question.lower())
    target = value.lower().split()
    out = set()
    for i in range(len(words) - len(target) + 1):
        if [w.strip("'\".,?") for w in words[i:i + len(target)]] != target:
            continue
        before = [w.strip("'\".,?") for w in words[max(0, i - 2):i]]
        after = [w.strip("'\".,?") for w in words[i + len(target):i + len(target) + 2]]
        near = before + after + ["".join(before), "".join(after)]  # "media type" → MediaType
        for w in near:
            out |= {t.name for t in catalog.tables if w and name_forms(w) & name_forms(t.name)}
    return out


def move_to_named_table(tree: exp.Expression, catalog: SchemaCatalog, values: StoredValues, question: str) -> list[str]:
    """Repoint, in place, `col = 'v'` to the named neighbouring table that stores v, as above."""
    if not question:
        return []
    fixes = []
    for scope, aliases, col, eq, lit, table in string_equalities(tree, catalog):
        select = scope.expression
        if not isinstance(select, exp.Select) or values.column_values(table, col.name) is not None:
            continue  # a column the index read whole: literal linking's business
        named = _named_beside(question, lit.this, catalog) - {catalog.table(table).name}
        keys = [fk for fk in catalog.table(table).foreign_keys if len(fk.columns) == 1
                and any(fk.ref_table.lower() == n.lower() for n in named)]
        if len(keys) != 1:
            continue
        fk = keys[0]
        ref = catalog.table(fk.ref_table)
        hits = {(rc, v) for rt, rc, v in values.places(lit.this) if rt.lower() == ref.name.lower()}
        if len(hits) != 1 or (owner := owner_alias(col, table, aliases)) is None:
            continue
        (ref_col, stored), = hits
        before = eq.sql()
        present = [case for case, name in aliases.values() if name.lower() == ref.name.lower()]
        alias = present[0] if len(present) == 1 else join_reference(select, aliases, catalog, owner, fk.columns[0], fk, ref)
        col.set("this", exp.to_identifier(ref_col))
        col.set("table", exp.to_identifier(alias))
        lit.replace(exp.Literal.string(stored))
        aliases[alias.lower()] = (alias, ref.name)
        fixes.append(f"{before} → {eq.sql()} (the question names '{stored}' as a {ref.name}; {table} holds its key)")
    return fixes
