"""A double-quoted "value" on the right of a comparison is a string, not a column.

Spider-trained models (and SQLite itself, leniently) write strings in double quotes;
PostgreSQL and the column check would read them as identifiers.
"""

from __future__ import annotations

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_COMPARE = (exp.EQ, exp.NEQ, exp.Like, exp.ILike, exp.GT, exp.LT, exp.GTE, exp.LTE)


def fix_quoted_strings(tree: exp.Expression, catalog: SchemaCatalog | None = None) -> exp.Expression:
    known = {c.name.lower() for t in catalog.tables for c in t.columns} if catalog else set()
    for col in list(tree.find_all(exp.Column)):
        ident = col.this
        if col.table or not isinstance(ident, exp.Identifier) or not ident.quoted or ident.name.lower() in known:
            continue
        parent = col.parent
        if (isinstance(parent, _COMPARE) and parent.expression is col) or isinstance(parent, exp.In):
            col.replace(exp.Literal.string(ident.name))
    return tree
