"""A GROUP BY with nothing to aggregate: "the cost of each treatment and its type" as `SELECT type, cost … GROUP BY type`.

Grouping without any aggregate keeps one row per group, and for the columns it does not group by
SQLite picks any row's value (PostgreSQL refuses): the answer silently loses rows. When a SELECT
has a GROUP BY but no aggregate anywhere (shown, HAVING, ORDER BY) and shows a column it does not
group by, the grouping goes (unless it groups by the primary key of the one table every shown column
comes from: that only folds the rows a join repeated); when the question asks for "different" / "distinct" / "unique" things,
the SELECT becomes DISTINCT instead. Grouping by every shown column is a DISTINCT already and is
left alone, unless the question asks about "each" / "every" / "all" rows, no different values and
no number ("the grade of each high schooler"): then the top-level grouping goes (in Spider train's gold, 778
such questions keep every row, 69 use DISTINCT).
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import column_owners, query_tables

_DISTINCT = re.compile(r"\b(different|distinct|unique)\b")
_EACH_ROW = re.compile(r"\b(each|every|all)\b")
_AGGREGATE_ASKED = re.compile(r"\b(how many|number of|count|total|average|sum|mean)\b")  # asked_count adds what it asks


def drop_aggregateless_group(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Drop, in place, each GROUP BY as above; returns the fixes, in words."""
    fixes = []
    for select in tree.find_all(exp.Select):
        group = select.args.get("group")
        if not group or not group.expressions or select.args.get("having") or _aggregates(select):
            continue  # (an empty GROUP BY is a cut-off answer: the database refuses it and the model repairs it)
        grouped = {g.sql().lower() for g in group.expressions} | {g.name.lower() for g in group.expressions if isinstance(g, exp.Column)}
        shown = [e.this if isinstance(e, exp.Alias) else e for e in select.expressions]
        if all(s.sql().lower() in grouped or (isinstance(s, exp.Column) and s.name.lower() in grouped) for s in shown):
            text = question.lower()
            if select is tree and _EACH_ROW.search(text) and not _DISTINCT.search(text) and not _AGGREGATE_ASKED.search(text):
                before = group.sql()
                select.set("group", None)
                fixes.append(f"{before} dropped (the question asks for every row, not the different values)")
            continue  # a DISTINCT by another name
        if _keyed(select, group, shown, catalog):
            continue  # one row per album however many tracks joined: the shown columns follow from the key
        before = group.sql()
        select.set("group", None)
        if question and _DISTINCT.search(question.lower()):
            select.set("distinct", exp.Distinct())
            fixes.append(f"{before} → SELECT DISTINCT (nothing is aggregated; the question asks for different values)")
        else:
            fixes.append(f"{before} dropped (nothing is aggregated, so it only hid rows)")
    return fixes


def _keyed(select: exp.Select, group: exp.Group, shown: list[exp.Expression], catalog: SchemaCatalog) -> bool:
    """Whether the SELECT groups by a primary key of the one table every shown column comes from."""
    tables = query_tables(select, catalog)
    if not tables:
        return False

    def owner(col: exp.Expression) -> str | None:
        owners = column_owners(col, tables, catalog) if isinstance(col, exp.Column) else []
        return owners[0][1].lower() if len(owners) == 1 else None

    shown_owners = {owner(s) for s in shown}
    if len(shown_owners) != 1 or None in shown_owners:
        return False
    table = catalog.table(next(iter(shown_owners)))
    return any(owner(g) == table.name.lower() and (c := table.column(g.name)) is not None and c.primary_key
               for g in group.expressions if isinstance(g, exp.Column))


def _aggregates(select: exp.Select) -> bool:
    """Whether the SELECT itself (not a subquery of it) aggregates anything."""
    return any(agg.find_ancestor(exp.Select) is select for agg in select.find_all(exp.AggFunc))
