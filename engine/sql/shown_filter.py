"""An answer that shows only the value it filters on: "the names of all cartoons directed by Ben Jones" as `SELECT Directed_by … WHERE Directed_by = 'Ben Jones'`.

Every row of such an answer is the literal the question already gives. When the one column shown
is compared with a literal by `=` in the WHERE, and the question asks for names or titles or lists
rows ("List all cartoons directed by …", "What are …"), the answer shows the name column of that
column's table instead (`Title`, `Name`, `<table>_name`).
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import column_owners, query_tables
from engine.sql.name_for_key import name_column

_NAMES = re.compile(r"\b(names?|titles?|called)\b|^(list|show|find|give|return|display)\b|^(what|which) are\b")


def show_not_the_filter(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Show, in place, the name column instead of the filtered one, as above."""
    if not _NAMES.search(question.lower()) or not isinstance(tree, exp.Select) or len(tree.expressions) != 1:
        return []
    shown = tree.expressions[0]
    where = tree.args.get("where")
    if not isinstance(shown, exp.Column) or where is None or tree.args.get("group"):
        return []
    filtered = [eq for eq in where.find_all(exp.EQ) if eq.find_ancestor(exp.Select) is tree and isinstance(eq.expression, exp.Literal)
                and isinstance(eq.this, exp.Column) and eq.this.name.lower() == shown.name.lower()
                and (eq.this.table or "").lower() == (shown.table or "").lower()]
    tables = query_tables(tree, catalog)
    if not filtered or not tables or len(owners := column_owners(shown, tables, catalog)) != 1:
        return []
    alias, name = owners[0]
    named = name_column(catalog.table(name))
    if named is None or named.lower() == shown.name.lower():
        return []
    before = shown.sql()
    shown.replace(exp.column(named, table=shown.table or None))
    return [f"{before} → {named} (the answer showed only the value it filters on)"]
