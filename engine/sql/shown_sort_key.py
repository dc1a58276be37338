"""An answer that shows only the value it ranks by: "the money rank of the player with the highest earnings" as `SELECT Earnings … ORDER BY Earnings DESC LIMIT 1`.

The question gives the ranking ("the highest earnings") and asks for something else of that row
("the money rank"); the model shows the ranking column. When the one column shown is the one sort
key under a LIMIT, and exactly one other column of its table is named, all its words in a row, in
the question ("money rank" → `Money_Rank`), that column is shown instead.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import column_owners, query_tables
from engine.sql.text_aggregate import name_words


def show_asked_not_sort_key(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Show, in place, the named column instead of the sort key, as above."""
    if not question or not isinstance(tree, exp.Select) or len(tree.expressions) != 1 or not tree.args.get("limit"):
        return []
    order = tree.args.get("order")
    shown = tree.expressions[0]
    if order is None or len(order.expressions) != 1 or not isinstance(shown, exp.Column) or tree.args.get("group"):
        return []
    key = order.expressions[0].this
    if not isinstance(key, exp.Column) or key.name.lower() != shown.name.lower() or (key.table and shown.table and key.table != shown.table):
        return []
    tables = query_tables(tree, catalog)
    if not tables or len(owners := column_owners(shown, tables, catalog)) != 1:
        return []
    table = catalog.table(owners[0][1])
    text = " ".join(re.findall(r"[a-z0-9]+", question.lower()))
    named = [c.name for c in table.columns if c.name.lower() != shown.name.lower()
             and len(words := name_words(c.name)) > 1 and re.search(rf"\b{' '.join(words)}\b", text)]
    if len(named) != 1:
        return []
    before = shown.sql()
    shown.replace(exp.column(named[0], table=shown.table or None))
    return [f"{before} → {named[0]} (the answer showed only what it ranks by; the question asks for the {named[0]})"]
