"""Two values asked of one column at once: "channels playing cartoons by both Ben Jones and Michael Chang" as `Directed_by = 'Ben Jones' AND Directed_by = 'Michael Chang'`.

No row has two values in one column, so the answer is always empty. What the question means is
the things (the selected rows) that have a row with each: the query is split in two, one per value,
joined by INTERSECT — or by EXCEPT when the question negates one ("a dog but not a cat"). A lone
`COUNT(DISTINCT key)` counts the INTERSECT of the two halves' keys. Only for a plain SELECT whose WHERE is a conjunction holding exactly two such
equalities on the same column; no GROUP BY, ORDER BY or LIMIT (whose meaning a split would change).
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import column_owners, query_tables

_NEGATION = re.compile(r"\b(not|no|never|without|but not|except)\b|n't\b")


def conjuncts(node: exp.Expression) -> list[exp.Expression]:
    """The parts of an AND chain, parentheses aside."""
    node = node.unnest() if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.And):
        return conjuncts(node.this) + conjuncts(node.expression)
    return [node]


def _equality(node: exp.Expression) -> tuple[str, str] | None:
    """(column as written, lower case; the literal) for `col = 'x'` / `'x' = col`."""
    if not isinstance(node, exp.EQ):
        return None
    col, lit = node.this, node.expression
    if isinstance(col, exp.Literal):
        col, lit = lit, col
    if isinstance(col, exp.Column) and isinstance(lit, exp.Literal):
        return col.sql().lower(), lit.this
    return None


def _excepted(question: str, first: str, second: str) -> bool | None:
    """Whether the question negates the value it names second ("a dog but not a cat"); None when
    it names neither order (then INTERSECT)."""
    text = question.lower()
    a, b = text.find(first.lower()), text.find(second.lower())
    if a < 0 or b < 0:
        return None
    lo, hi = sorted((a, b))
    return bool(_NEGATION.search(text[lo:hi]))


def _distinct_count(tree: exp.Select) -> exp.Expression | None:
    """The column of a lone `COUNT(DISTINCT col)` select list."""
    if len(tree.expressions) != 1 or not isinstance(count := tree.expressions[0], exp.Count):
        return None
    inner = count.this
    if isinstance(inner, exp.Distinct) and len(inner.expressions) == 1 and isinstance(inner.expressions[0], exp.Column):
        return inner.expressions[0]
    return None


def split_both_values(tree: exp.Expression, catalog: SchemaCatalog, question: str = "") -> tuple[exp.Expression, list[str]]:
    """The query as an INTERSECT of its two halves, as above, and the fix in words; or the query
    itself and no fix. A new root, so not in place like the other rewrites."""
    if not isinstance(tree, exp.Select) or not (where := tree.args.get("where")):
        return tree, []
    if any(tree.args.get(k) for k in ("group", "order", "limit", "having")):
        return tree, []
    counted = _distinct_count(tree)
    if tree.find(exp.AggFunc) and counted is None:
        return tree, []
    if counted is not None:  # "how many countries speak both English and Dutch": count the INTERSECT of the two key sets
        inner = tree.copy()
        inner.set("expressions", [counted.copy()])
        inner, fixes = split_both_values(inner, catalog, question)
        if not fixes:
            return tree, []
        outer = exp.select(exp.Count(this=exp.Star())).from_(inner.subquery("both_values"))
        return outer, [fixes[0].replace("one SELECT for each", f"one SELECT of {counted.sql()} for each, counted")]
    parts = conjuncts(where.this)
    by_column: dict[str, list[int]] = {}
    tables = query_tables(tree, catalog) or {}
    for i, p in enumerate(parts):
        if (eq := _equality(p)) is not None:
            col = p.this if isinstance(p.this, exp.Column) else p.expression
            owners = column_owners(col, tables, catalog) if tables else []
            key = f"{owners[0][0].lower()}.{col.name.lower()}" if len(owners) == 1 else eq[0]  # `Language` = `T2.Language`
            by_column.setdefault(key, []).append(i)
    pairs = [ix for ix in by_column.values() if len(ix) == 2 and len({_equality(parts[i])[1] for i in ix}) == 2]
    if len(pairs) != 1 or any(len(ix) > 2 for ix in by_column.values()):
        return tree, []
    first, second = pairs[0]
    a, b = _equality(parts[first])[1], _equality(parts[second])[1]
    minus = bool(_excepted(question, a, b))
    if minus and question.lower().find(b.lower()) < question.lower().find(a.lower()):
        first, second = second, first  # the value the question keeps comes first in the EXCEPT
    halves = []
    for drop in (second, first):
        half = tree.copy()
        rest = [p.copy() for i, p in enumerate(parts) if i != drop]
        half.set("where", exp.Where(this=exp.and_(*rest)))
        halves.append(half)
    if minus:
        return exp.Except(this=halves[0], expression=halves[1], distinct=True), [
            f"{parts[first].sql()} AND {parts[second].sql()} → one SELECT for each, EXCEPT "
            "(no row holds both values; the question asks for what has the first and not the second)"]
    return exp.Intersect(this=halves[0], expression=halves[1], distinct=True), [
        f"{parts[first].sql()} AND {parts[second].sql()} → one SELECT for each, INTERSECT "
        "(no row holds both values; the question asks for what has a row with each)"]
