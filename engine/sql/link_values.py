"""Literal linking: a string the model compares a column with, spelled the way the column stores it.

Small models copy a value out of the question in the wrong case ('france' for 'France'), inflect
it ('Republican' for 'Republic', 'Asian' for 'Asia'), misspell it, or shorten a name the question
gives whole ('Sportabout' for 'amc hornet sportabout (sw)'). The database compares strings exactly,
so the query runs and returns nothing, which looks like an answer. When the literal is not a value
of that column and exactly one stored value is the same text in another case, a near spelling of
it, or a phrase of the question that contains it, the literal is replaced and the trace says so.

What counts as stored is the value index (engine.retrieval.value_link): a column it did not read
whole, or a literal it never indexes (too short, digits), is left as written, since "not in the
index" would not mean "not in the column" there.
"""

from __future__ import annotations

import difflib
import re
from typing import Protocol

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import traverse_scope

from engine.catalog.model import SchemaCatalog

NEAR = 0.8  # difflib ratio for a misspelt literal ('Asian' / 'Asia' is 0.89)
PHRASE_NEAR = 0.85  # for a phrase of the question: stricter, there are many of them


class StoredValues(Protocol):
    def column_values(self, table: str, column: str) -> set[str] | None: ...
    def indexes(self, value: str) -> bool: ...


def link_values(tree: exp.Expression, catalog: SchemaCatalog, values: StoredValues, question: str) -> list[str]:
    """Respell string literals in place; one line per change for the trace."""
    fixes: list[str] = []
    try:
        scopes = traverse_scope(tree)
    except SqlglotError:
        return fixes
    grams = _phrases(question)
    for scope in scopes:
        tables = {alias.lower(): src.name for alias, src in scope.sources.items() if isinstance(src, exp.Table)}
        for col in scope.columns:
            for lit in _compared_literals(col):
                table = _owner(col, tables, catalog)
                stored = values.column_values(table, col.name) if table else None
                if not stored or lit.this in stored or not values.indexes(lit.this):
                    continue
                if (new := respell(lit.this, stored, question, grams)) is not None:
                    fixes.append(f"'{lit.this}' → '{new}' (the value {table}.{col.name} stores)")
                    lit.replace(exp.Literal.string(new))
    return fixes


def respell(literal: str, stored: set[str], question: str, grams: list[str]) -> str | None:
    """The one stored value the literal means, or None when none (or more than one) fits."""
    by_lower: dict[str, list[str]] = {}
    for v in stored:
        if v == v.strip():  # a value stored with stray spaces is never a target: the question does not have them
            by_lower.setdefault(v.lower(), []).append(v)
    want = literal.strip().lower()
    if want in by_lower:  # another case, or the literal had stray spaces
        return _only(by_lower, want)
    keys = list(by_lower)
    near = set(difflib.get_close_matches(want, keys, n=2, cutoff=NEAR))  # 'Asian' → 'Asia'
    q = question.lower()
    if re.search(rf"\b{re.escape(want)}\b", q):
        # the question has the literal: the model took part of a value the question names whole,
        # or the question's own word is inflected; another value the question names is not it ('CD' vs 'DVD')
        whole = [v for v in keys if want in v and v in q and v != want]
        if len(whole) == 1:
            return _only(by_lower, whole[0])
        return _only(by_lower, near.pop()) if len(near) == 1 and not whole else None
    phrases = set(grams)
    named = [v for v in keys if v in phrases]  # the question names a value of this column verbatim
    if len(named) == 1:
        return _only(by_lower, named[0])
    for g in grams:  # or a near spelling of one ('Carribean' → 'Caribbean')
        near.update(difflib.get_close_matches(g, keys, n=2, cutoff=PHRASE_NEAR))
    if len(near) == 1:
        return _only(by_lower, near.pop())
    return None


def _only(by_lower: dict[str, list[str]], key: str) -> str | None:
    """The stored spelling of `key`, unless the column stores it in more than one case."""
    return by_lower[key][0] if len(by_lower[key]) == 1 else None


def _compared_literals(col: exp.Column) -> list[exp.Literal]:
    """String literals the column is tested for equality with: `col = 'x'`, `col != 'x'`, `col IN ('x', …)`."""
    parent = col.parent
    if isinstance(parent, exp.EQ | exp.NEQ):
        other = parent.expression if parent.this is col else parent.this
        return [other] if isinstance(other, exp.Literal) and other.is_string else []
    if isinstance(parent, exp.In) and parent.this is col:
        return [e for e in parent.expressions if isinstance(e, exp.Literal) and e.is_string]
    return []


def _owner(col: exp.Column, tables: dict[str, str], catalog: SchemaCatalog) -> str | None:
    if col.table:
        return tables.get(col.table.lower())
    owners = [name for name in tables.values() if (t := catalog.table(name)) and t.column(col.name)]
    return owners[0] if len(set(owners)) == 1 else None


def _phrases(question: str, longest: int = 5) -> list[str]:
    words = re.findall(r"[\w'/&.-]+", question.lower())
    out = []
    for n in range(1, longest + 1):
        out += [" ".join(words[i : i + n]).strip(".'") for i in range(len(words) - n + 1)]
    return [p for p in out if len(p) >= 3]
