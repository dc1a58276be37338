"""What has none of something, answered with a join that keeps only what has some: "artists that have not released any album" as `Artist JOIN Album …`.

An inner join keeps exactly the rows the question excludes, so the answer is empty or the
opposite set, whatever the WHERE says. When the question negates a table ("without any concert",
"do not have any albums", "has no performance", "never …"), the answer reads that table X and one
other table P joined to it, shows only P's columns (or a count), and X holds a single-column
foreign key to P, the answer becomes `… FROM P WHERE P.key NOT IN (SELECT X.fk FROM X …)`: the
conditions on X alone move into the subquery ("without a concert in 2014") — un-negated, since the
model writes the question's "not" as `tonnage <> '225'` and the NOT IN now says it —, those on P
stay, and a `NOT … IN` the model wrote with no condition of its own is dropped (one with a condition,
which would be lost, leaves the answer as written). Anything mixing both tables is left. A count
over X alone for a question counting P ("how many artists have no album" as `COUNT(*) FROM Album
…`) becomes the same NOT IN over P.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.both_values import conjuncts
from engine.sql.counted import counted_tables
from engine.sql.joins import column_owners, query_tables
from engine.sql.link_tables import name_forms

_NEGATION = re.compile(r"\b(without|never|do not|does not|did not|don't|doesn't|didn't|have not|has not|haven't|hasn't|"
                       r"have no|has no|with no|not have|not having|not used|not in)\b((?:\s+[a-z_]+){1,5})")


def negated_table(question: str, catalog: SchemaCatalog) -> str | None:
    """The one catalog table named in the few words after the question's negation."""
    hits = set()
    for m in _NEGATION.finditer(question.lower()):
        words = m.group(2).split()
        for i, w in enumerate(words):
            for phrase in (w, "".join(words[i:i + 2])):
                hits |= {t.name for t in catalog.tables if name_forms(phrase) & name_forms(t.name)}
            if hits:
                break
    return hits.pop() if len(hits) == 1 else None


def _owners(node: exp.Expression, tables, catalog) -> set[str]:
    return {a.lower() for c in node.find_all(exp.Column) for a, _ in column_owners(c, tables, catalog)}


def _counts_rows(tree: exp.Select) -> bool:
    return len(tree.expressions) == 1 and isinstance(tree.expressions[0], exp.Count) and isinstance(tree.expressions[0].this, exp.Star)


def _affirmed(part: exp.Expression) -> exp.Expression:
    """`tonnage <> '225'` → `tonnage = '225'`: the model's way of saying the question's "not", which the NOT IN now says."""
    if isinstance(part, exp.NEQ):
        return exp.EQ(this=part.this, expression=part.expression)
    if isinstance(part, exp.Not) and isinstance(part.this, exp.EQ | exp.Like | exp.ILike | exp.In):
        return part.this
    return part


def keep_absent_rows(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Rewrite, in place, such a join into a NOT IN over the negated table, as above."""
    if not question or not isinstance(tree, exp.Select) or any(tree.args.get(k) for k in ("group", "having", "limit")):
        return []
    negated = negated_table(question, catalog)
    tables = query_tables(tree, catalog)
    joins = tree.args.get("joins") or []
    if negated is None or not tables or len(tables) > 2 or len(joins) != len(tables) - 1 or any(j.side or j.kind for j in joins):
        return []
    by_name = {name.lower(): alias for alias, name in tables.values()}
    if negated.lower() not in by_name:
        return []
    x_alias = by_name.pop(negated.lower())
    if by_name:
        (p_name, p_alias), = by_name.items()
    else:  # "how many artists have no album" as a count over Album alone: count the artists instead
        counted = counted_tables(question, catalog) - {catalog.table(negated).name}
        if len(counted) != 1 or not _counts_rows(tree):
            return []
        p_name = next(iter(counted)).lower()
        p_alias = catalog.table(p_name).name
    p_table, x_table = catalog.table(p_name), catalog.table(negated)
    keys = [fk for fk in x_table.foreign_keys if fk.ref_table.lower() == p_name and len(fk.columns) == 1]
    if len(keys) != 1:
        return []
    x_low, p_low = x_alias.lower(), p_alias.lower()
    if any(_owners(e, tables, catalog) - {p_low} for e in tree.expressions) or any(isinstance(e, exp.Star) for e in tree.expressions):
        return []  # X's columns are shown: not an answer about P alone
    inside, outside = [], []
    where = tree.args.get("where")
    for part in conjuncts(where.this) if where else []:
        if isinstance(part, exp.Not) and isinstance(part.this, exp.In | exp.Exists):
            if part.find(exp.Where):
                return []  # a condition inside it ("… opened after 2010") would be lost
            continue  # the model's own attempt at the exclusion, with no condition of its own: replaced
        owners = _owners(part, tables, catalog)
        if part.find(exp.Subquery, exp.Select):
            return []
        if owners == {x_low}:
            inside.append(part)
        elif owners <= {p_low}:
            outside.append(part)
        else:
            return []
    fk = keys[0]
    sub = exp.select(exp.column(fk.columns[0])).from_(exp.to_table(x_table.name))
    for part in inside:
        part = _affirmed(part.copy())
        for col in part.find_all(exp.Column):
            col.set("table", None)
        sub = sub.where(part, copy=False)
    member = exp.Not(this=exp.In(this=exp.column(fk.ref_columns[0], table=p_alias), query=sub.subquery()))
    before = tree.sql()
    tree.set("joins", None)
    sources = [tree.args["from_"].this, *(j.this for j in joins)]
    p_source = next((src for src in sources if src.alias_or_name.lower() == p_low), None)
    tree.set("from_", exp.From(this=p_source.copy() if p_source is not None else exp.to_table(p_table.name)))
    tree.set("where", exp.Where(this=exp.and_(*[p.copy() for p in outside], member)) if outside else exp.Where(this=member))
    return [f"{before} → {tree.sql()} (the question asks for {p_table.name} rows with no {x_table.name}; a join keeps only those with some)"]
