"""A superlative of a stored number answered with a count: "the shop with the largest number of products" as
`GROUP BY district ORDER BY COUNT(*) DESC LIMIT 1`.

The fine-tune learnt `GROUP BY … ORDER BY COUNT(*) DESC LIMIT 1` as the shape of "the … with the
most …" and writes it even when the superlative is about a column ("the greatest height", "the
biggest bonus", "the largest number of products" = `number_products`), so it ranks groups by their
size instead of rows by that column. When a SELECT's one sort key is COUNT(*) under a LIMIT, it has
no HAVING and shows no aggregate, and the words after the question's superlative ("greatest
height", "number of minutes") are the name of exactly one numeric, non-key column — of the query's
tables, or else of a table one foreign key away, which is then joined — and of no table, the
sort takes that column (descending for "greatest", ascending for "lowest") and the GROUP BY goes.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.joins import add_join, new_alias, pin_bare_columns, query_tables
from engine.sql.link_tables import name_forms
from engine.sql.order_direction import set_direction
from engine.sql.text_aggregate import is_key, is_numeric, name_words

_HIGH = r"most|highest|largest|biggest|greatest|maximum|max|longest|heaviest|tallest"
_LOW = r"least|lowest|smallest|fewest|minimum|min|shortest|lightest"
_SUPERLATIVE = re.compile(
    r"\b(" + _HIGH + "|" + _LOW + r")\s+(?=((?:[a-z]+\s*){1,4}))"
)


def _superlatives(question: str) -> list[tuple[bool, set[str]]]:
    """(descending?, name forms of the 1-3 words after it) for each superlative of the question."""
    out = []
    for m in _SUPERLATIVE.finditer(question.lower()):
        words = m.group(2).split()
        variants = [words, [w for w in words if w != "of"]]  # "number of products": `number_products`
        if words[1:2] == ["of"] and words[0] in ("number", "amount", "count", "value"):
            variants.append(words[2:])  # or `products`
        forms = {f for ws in variants for n in range(1, len(ws) + 1) for f in name_forms("".join(ws[:n]))}
        out.append((not re.fullmatch(_LOW, m.group(1)), forms))
    return out


def rank_by_named_column(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Re-sort, in place, each SELECT as above; returns the fixes, in words."""
    if not question or re.search(r"\b(each|every|per)\b", question.lower()):
        return []  # "the maximum weight for each type": the groups are asked for
    wanted = _superlatives(question)
    if len(wanted) != 1:
        return []  # none, or two superlatives: which one the sort is about is not knowable
    desc, phrases = wanted[0]
    if any(name_forms(t) & phrases for t in catalog.table_names()):
        return []  # "the most albums": a count of rows is what it asks for
    fixes = []
    for select in tree.find_all(exp.Select):
        order, tables = select.args.get("order"), query_tables(select, catalog)
        if (not tables or not order or len(order.expressions) != 1 or not select.args.get("limit")
                or select.args.get("having") or not isinstance(order.expressions[0].this, exp.Count)
                or any(p.find(exp.AggFunc) for p in select.expressions)):
            continue
        named = _named_columns(catalog, tables, phrases)
        if len(named) != 1:
            continue
        alias, column, join = named[0]
        before = select.sql()
        if join:
            owner_alias, owner_col, table, col = join
            aliases = {a: name for a, (_, name) in tables.items()}
            alias = new_alias(aliases, table)
            pin_bare_columns(select, {case: catalog.table(name) for case, name in tables.values()}, catalog.table(table))
            add_join(select, table, alias, exp.column(owner_col, table=owner_alias), col)
        qualified = len(tables) > 1 or join or any(c.table for c in select.find_all(exp.Column))
        key = exp.Ordered(this=exp.column(column, table=alias if qualified else None))
        select.set("order", exp.Order(expressions=[key]))
        set_direction(key, desc, catalog.dialect)
        select.set("group", None)
        fixes.append(f"{before} → {select.sql()} (the question asks for the {'highest' if desc else 'lowest'} {column}, not the most rows)")
    return fixes


def _named_columns(catalog: SchemaCatalog, tables: dict[str, tuple[str, str]], phrases: set[str]) -> list[tuple]:
    """(alias, column, join or None) for each numeric non-key column the phrases name: in the query's
    tables, or else one foreign key away (join = (owner alias, owner column, table, its column))."""
    def names(table) -> list:
        return [c for c in table.columns if is_numeric(c) and not is_key(table, c)
                and name_forms("".join(name_words(c.name))) & phrases]

    own = [(alias, c.name, None) for alias, name in tables.values() for c in names(catalog.table(name))]
    if own:
        return own
    inside = {name.lower() for _, name in tables.values()}
    near = []
    for alias, name in tables.values():
        t = catalog.table(name)
        links = [(fk.columns[0], fk.ref_table, fk.ref_columns[0]) for fk in t.foreign_keys if len(fk.columns) == 1]
        links += [(fk.ref_columns[0], other.name, fk.columns[0]) for other in catalog.tables for fk in other.foreign_keys
                  if len(fk.columns) == 1 and fk.ref_table.lower() == name.lower()]
        for own_col, other, other_col in links:
            ref = catalog.table(other)
            if ref is None or other.lower() in inside:
                continue
            near += [(None, c.name, (alias, own_col, ref.name, other_col)) for c in names(ref)]
    return near
