""""The name of the genre …" answered with the name of a track: show the genre's name instead.

"What is the name of the most common genre in all tracks?" — the fine-tune writes `SELECT Name
FROM Track GROUP BY Name ORDER BY COUNT(*) DESC LIMIT 1`: a name, grouped and counted, but of the
wrong table. When the question asks for the name of one table (the first catalog table named
after "name of" or "which"), and the answer's one plain column is the name column of another
table that holds a foreign key to it, the column (and the grouping by it) becomes the asked
table's name column, joining that table if needed. Anything less clear is left as written.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog, Table
from engine.sql.joins import column_owners, join_reference, query_tables
from engine.sql.link_tables import name_forms
from engine.sql.name_for_key import name_column

_AFTER = (re.compile(r"\bnames? of (?:the |all |each |every |a )?((?:[a-z]+ ){0,4}[a-z]+)"), re.compile(r"\bwhich ((?:[a-z]+ )?[a-z]+)"))


def asked_table(question: str, catalog: SchemaCatalog) -> Table | None:
    """The table whose name the question asks for: the first one named (one or two words, singular
    or plural) in the few words after "name of" or "which"; None when no single table fits."""
    forms = {t.name: name_forms(t.name) for t in catalog.tables}
    for pattern in _AFTER:
        if not (m := pattern.search(question.lower())):
            continue
        words = m.group(1).split()
        for i in range(len(words)):
            for span in (2, 1):
                if i + span > len(words):
                    continue
                hits = [t for t, f in forms.items() if name_forms("".join(words[i:i + span])) & f]
                if len(hits) == 1:
                    return catalog.table(hits[0])
        return None
    return None


def show_asked_name(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Rewrite, in place, the answer's one plain name column to the asked table's; returns the fix, in words."""
    if not question or not isinstance(tree, exp.Select):
        return []
    asked = asked_table(question, catalog)
    if asked is None or not (asked_name := name_column(asked)):
        return []
    plain = [e for e in tree.expressions if not e.find(exp.AggFunc)]
    if len(plain) != 1 or not isinstance(col := plain[0], exp.Column):
        return []
    aliases = query_tables(tree, catalog)
    if aliases is None:
        return []
    owners = column_owners(col, aliases, catalog)
    if len(owners) != 1:
        return []
    owner_alias, shown = owners[0][0], catalog.table(owners[0][1])
    if shown.name.lower() == asked.name.lower() or (name_column(shown) or "").lower() != col.name.lower():
        return []
    fks = [fk for fk in shown.foreign_keys if fk.ref_table.lower() == asked.name.lower() and len(fk.columns) == 1]
    present = [case for case, n in aliases.values() if n.lower() == asked.name.lower()]
    if len(fks) != 1 or len(present) > 1:
        return []
    group = tree.args.get("group")
    grouped = [g for g in (group.expressions if group else []) if isinstance(g, exp.Column) and g.name.lower() == col.name.lower()
               and (g.table or owner_alias).lower() == owner_alias.lower()]
    alias = present[0] if present else join_reference(tree, aliases, catalog, owner_alias, fks[0].columns[0], fks[0], asked)
    before, new = col.sql(), exp.column(asked_name, table=alias)
    col.replace(new)
    for g in grouped:
        g.replace(new.copy())
    return [f"{before} → {new.sql()} (the question asks for the name of a {asked.name}{'' if present else f'; joined {asked.name}'})"]
