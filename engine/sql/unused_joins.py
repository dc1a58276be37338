"""A joined table the answer never uses and the question never names: drop it.

The fine-tuned model pads answers with joins it learnt from Spider's gold SQL: `Employee JOIN
Invoice ON EmployeeId = CustomerId` for "employees living in Calgary", `Track JOIN PlaylistTrack`
for "how many tracks are AAC audio files". The extra table contributes no column, yet multiplies
rows (one per invoice, one per playlist) or filters them through a meaningless key equation, so the
answer is wrong although every shown column is right. When a joined table is referenced only by
its join condition, is joined to exactly one other table by plain column equations, and the
question names neither it nor the rows it holds, the join goes. An existence join the question
asks for ("customers who have an invoice", "students who have pets") names its table and stays.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_WORDS = re.compile(r"[a-z]+")
_GENERIC = {"has", "have", "of", "in", "on", "to", "and", "the", "for", "by", "with", "at", "is", "info", "list", "data"}


def _stems(words) -> set[str]:
    out = set()
    for w in words:
        w = w.lower()
        out.add(w)
        if w.endswith("ies") and len(w) > 4:
            out.add(w[:-3] + "y")
        elif w.endswith("es") and len(w) > 4:
            out |= {w[:-2], w[:-1]}
        elif w.endswith("s") and len(w) > 3:
            out.add(w[:-1])
    return out


def _norm(name: str) -> str:
    return name.lower().replace("_", "").replace(" ", "")


def _named(table: str, others: list[str], asked: set[str]) -> bool:
    """Does the question name `table`? `PlaylistTrack` beside `Track` is named only by "playlist";
    `countrylanguage` beside `country` by "language"; `has_pet` by "pet"."""
    rest = _norm(table)
    for other in sorted((_norm(o) for o in others), key=len, reverse=True):
        if other != rest:
            rest = rest.replace(other, " ")
    if not rest.strip():
        return True  # nothing of its own to be named by: leave it
    words = [w for w in asked if len(w) > 2 and w not in _GENERIC]
    return any(w in rest or any(len(p) > 3 and p in w for p in rest.split()) for w in words)


def names_table(table: str, others: list[str], question: str) -> bool:
    """Does the question name `table` beside the `others` (so that a join of it would stay)?"""
    return _named(table, others, _stems(_WORDS.findall(question.lower())))


def _conjuncts(on: exp.Expression | None) -> list[exp.Expression]:
    if on is None:
        return []
    return list(on.flatten()) if isinstance(on, exp.And) else [on]


def drop_unused_joins(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Drop, in place, every such join in every SELECT of `tree`; returns the fixes, in words."""
    if not question:
        return []
    asked = _stems(_WORDS.findall(question.lower()))
    fixes: list[str] = []
    for select in list(tree.find_all(exp.Select)):
        while (dropped := _drop_one(select, catalog, asked)) is not None:
            fixes.append(f"dropped the join of {dropped} (no column of it is used and the question does not name it)")
    return fixes


def _drop_one(select: exp.Select, catalog: SchemaCatalog, asked: set[str]) -> str | None:
    joins = list(select.args.get("joins") or [])
    from_ = select.args.get("from_")
    if not joins or from_ is None:
        return None
    sources = [from_.this] + [j.this for j in joins]
    if any(not isinstance(s, exp.Table) or not catalog.table(s.name) for s in sources):
        return None
    if any(j.side or j.kind not in ("", "INNER") or j.args.get("using") for j in joins):
        return None
    if any(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)) for e in select.expressions):
        return None
    names = [s.name.lower() for s in sources]
    aliases = [s.alias_or_name.lower() for s in sources]
    on_parts = {id(c) for j in joins for c in _conjuncts(j.args.get("on"))}
    for i, src in enumerate(sources):
        table = catalog.table(src.name)
        if names.count(names[i]) > 1:
            continue  # a self-join: which copy the question means is not knowable
        if _named(table.name, [n for k, n in enumerate(names) if k != i], asked):
            continue
        partner = _sole_partner(joins, aliases, i, table)
        if partner is None or _used_outside_on(select, aliases[i], table, on_parts):
            continue
        if _remove(select, i, aliases[i]):
            return table.name
    return None


def _refers(col: exp.Column, alias: str, table) -> bool:
    return col.table.lower() == alias if col.table else table.column(col.name) is not None


def _sole_partner(joins: list[exp.Join], aliases: list[str], i: int, table) -> str | None:
    """The one other alias `aliases[i]` is tied to, when every condition naming it is `col = col`."""
    partners = set()
    for j in joins:
        for c in _conjuncts(j.args.get("on")):
            cols = list(c.find_all(exp.Column))
            mine = [col for col in cols if col.table.lower() == aliases[i]]
            if not mine:
                if any(not col.table for col in cols) and any(table.column(col.name) for col in cols if not col.table):
                    return None  # a bare column that may be this table's
                continue
            if not (isinstance(c, exp.EQ) and isinstance(c.this, exp.Column) and isinstance(c.expression, exp.Column)):
                return None  # a filter on this table: it is used
            other = c.expression if c.this.table.lower() == aliases[i] else c.this
            if not other.table or other.table.lower() == aliases[i] or other.table.lower() not in aliases:
                return None
            partners.add(other.table.lower())
    return partners.pop() if len(partners) == 1 else None


def _used_outside_on(select: exp.Select, alias: str, table, on_parts: set[int]) -> bool:
    for col in select.find_all(exp.Column):
        if any(id(a) in on_parts for a in _ancestors(col, select)):
            continue
        if _refers(col, alias, table):
            return True
    return False


def _ancestors(node: exp.Expression, stop: exp.Expression):
    while node is not None and node is not stop:
        yield node
        node = node.parent


def _remove(select: exp.Select, i: int, alias: str) -> bool:
    """Take source `i` out of FROM/JOIN with every condition naming it; False (and no change) when
    that would leave a join without a condition or a condition on the new first table."""
    joins = list(select.args["joins"])
    sources = [select.args["from_"].this] + [j.this for j in joins]
    conds = [[]] + [[c for c in _conjuncts(j.args.get("on")) if all(col.table.lower() != alias for col in c.find_all(exp.Column))]
                    for j in joins]
    del sources[i], conds[i]
    if conds[0] or not all(conds[1:]):
        return False
    select.set("from_", exp.From(this=sources[0]))
    select.set("joins", [exp.Join(this=src, on=exp.and_(*cs)) for src, cs in zip(sources[1:], conds[1:], strict=True)])
    return True
