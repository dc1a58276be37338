"""Literal linking: a string the model compares a column with, spelled the way the column stores it.

Small models copy a value out of the question in the wrong case ('france' for 'France'), inflect
it ('Republican' for 'Republic', 'Asian' for 'Asia'), misspell it, or shorten a name the question
gives whole ('Sportabout' for 'amc hornet sportabout (sw)'). The database compares strings exactly,
so the query runs and returns nothing, which looks like an answer. When the literal is not a value
of that column and exactly one stored value is the same text in another case, a near spelling of
it, or a phrase of the question that contains it, the literal is replaced and the trace says so.
When the column cannot hold it at all but exactly one other column of the query's tables stores
it (`car_makers.Country = 'france'`, Country being a key; `countries.CountryName` has 'france'),
the comparison moves to that column; when the column is a key of a table the query left out
(`Album.ArtistId = 'AC/DC'`), that table is joined and its one column storing the value compared.

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
from engine.prompt.schema_text import type_family
from engine.sql.joins import join_reference, key_reference

NEAR = 0.8  # difflib ratio for a misspelt literal ('Asian' / 'Asia' is 0.89)
PHRASE_NEAR = 0.85  # for a phrase of the question: stricter, there are many of them


class StoredValues(Protocol):
    def column_values(self, table: str, column: str) -> set[str] | None: ...
    def places(self, value: str) -> list[list[str]]: ...  # [table, column, stored spelling], any case
    def indexes(self, value: str) -> bool: ...


def link_values(tree: exp.Expression, catalog: SchemaCatalog, values: StoredValues, question: str) -> list[str]:
    """Respell (or re-point) string literals in place; one line per change for the trace."""
    fixes: list[str] = []
    try:
        scopes = traverse_scope(tree)
    except SqlglotError:
        return fixes
    grams = _phrases(question)
    for scope in scopes:
        aliases = scope_aliases(scope)
        for col in scope.columns:
            for lit in _compared_literals(col):
                table = owner_table(col, aliases, catalog)
                if not table or not values.indexes(lit.this):
                    continue
                stored = values.column_values(table, col.name)
                if stored is None and _is_text(catalog, table, col.name):
                    continue  # a text column the index did not read whole: the literal may well be stored
                if stored and lit.this in stored:
                    continue
                before, where = f"{col.sql()} = '{lit.this}'", _real_name(catalog, table, col.name)
                new = respell(lit.this, stored, question, grams, same_text_only=True) if stored else None
                if new is None and isinstance(col.parent, exp.EQ | exp.NEQ) and (moved := _other_column(col, lit, table, aliases, values)):
                    fixes.append(f"{before} → {col.sql()} = '{moved}' (the value is stored there, not in {where})")
                    lit.replace(exp.Literal.string(moved))
                    continue
                if new is None and not stored and isinstance(col.parent, exp.EQ | exp.NEQ) and (
                        joined := _joined_column(col, lit, table, scope, aliases, catalog, values, question, grams)):
                    fixes.append(f"{before} → {col.sql()} = '{joined[1]}' (a key of {joined[0]}, which stores the value: joined it)")
                    lit.replace(exp.Literal.string(joined[1]))
                    continue
                if new is None and stored:
                    new = respell(lit.this, stored, question, grams)
                if new is not None:
                    fixes.append(f"'{lit.this}' → '{new}' (the value {where} stores)")
                    lit.replace(exp.Literal.string(new))
    return fixes


def _other_column(col: exp.Column, lit: exp.Literal, table: str, aliases: dict, values: StoredValues) -> str | None:
    """Point `col` at the one other column of this SELECT's tables that stores the literal (any case):
    `car_makers.Country = 'france'` where Country is a key and `countries.CountryName` has 'france'.
    Of several, one called `Name` wins; otherwise which is meant is not knowable."""
    in_query = {name.lower(): [a for a, (_, n) in aliases.items() if n.lower() == name.lower()] for _, name in aliases.values()}
    hits = [(t, c, v) for t, c, v in values.places(lit.this)
            if t.lower() in in_query and v == v.strip() and (t.lower(), c.lower()) != (table.lower(), col.name.lower())]
    if len(hits) > 1:  # 'Angola' is both country.Name and country.LocalName: the plain name is meant
        hits = [h for h in hits if h[1].lower() == "name"]
    if len(hits) != 1:
        return None
    t, c, v = hits[0]
    owner = [a for a in in_query[t.lower()] if a == col.table.lower()] or in_query[t.lower()]
    if len(owner) != 1:
        return None  # the table is in the query twice: which side is meant is not knowable
    col.set("this", exp.to_identifier(c))
    col.set("table", exp.to_identifier(aliases[owner[0]][0]) if len(aliases) > 1 or col.table else None)
    return v


def _joined_column(col, lit, table, scope, aliases, catalog, values, question, grams) -> tuple[str, str] | None:
    """A key compared with a name (`Album.ArtistId = 'AC/DC'`): join the table the key references
    and compare the one column of it that stores the name (`Artist.Name = 'AC/DC'`)."""
    t, c = _catalog_column(catalog, table, col.name)
    select = scope.expression
    if c is None or not isinstance(select, exp.Select):
        return None
    fk = key_reference(t, c.name)
    ref = catalog.table(fk.ref_table) if fk else None
    if ref is None or any(name.lower() == ref.name.lower() for _, name in aliases.values()):
        return None  # a table already in the query was _other_column's to use
    hits = {(rc, v) for rt, rc, v in values.places(lit.this) if rt.lower() == ref.name.lower() and v == v.strip()}
    if not hits:  # not stored as written: a respelling the question supports ('AAC' → 'AAC audio file')
        for rc in ref.columns:
            if (stored := values.column_values(ref.name, rc.name)) and (v := respell(lit.this, stored, question, grams)):
                hits.add((rc.name, v))
    if len(hits) != 1:
        return None
    (ref_col, value), = hits
    if (owner := owner_alias(col, table, aliases)) is None:
        return None
    alias = join_reference(select, aliases, catalog, owner, c.name, fk, ref)
    col.set("this", exp.to_identifier(ref_col))
    col.set("table", exp.to_identifier(alias))
    aliases[alias.lower()] = (alias, ref.name)
    return ref.name, value


def respell(literal: str, stored: set[str], question: str, grams: list[str], same_text_only: bool = False) -> str | None:
    """The one stored value the literal means, or None when none (or more than one) fits.
    `same_text_only`: only another case or stray spaces (which outrank a value stored in another column)."""
    by_lower: dict[str, list[str]] = {}
    for v in stored:
        if v == v.strip():  # a value stored with stray spaces is never a target: the question does not have them
            by_lower.setdefault(v.lower(), []).append(v)
    want = literal.strip().lower()
    if want in by_lower:  # another case, or the literal had stray spaces
        return _only(by_lower, want)
    if same_text_only:
        return None
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
    by_len: dict[int, list[str]] = {}
    for k in keys:
        by_len.setdefault(len(k), []).append(k)
    for g in grams:  # or a near spelling of one ('Carribean' → 'Caribbean'); a ratio of 0.85 needs lengths within 35 %
        lo, hi = int(len(g) / 1.36), int(len(g) * 1.36) + 1
        near.update(difflib.get_close_matches(g, [k for n in range(lo, hi + 1) for k in by_len.get(n, ())], n=2, cutoff=PHRASE_NEAR))
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


def scope_aliases(scope) -> dict[str, tuple[str, str]]:
    """alias (lower) → (alias as written, table name) for the catalog tables a scope reads."""
    return {a.lower(): (a, src.name) for a, src in scope.sources.items() if isinstance(src, exp.Table)}


def string_equalities(tree: exp.Expression, catalog: SchemaCatalog):
    """Each `col = 'text'` in any scope of the tree whose column's table is known, as
    (scope, its aliases, the column, the EQ, the literal, the table); the aliases dict is the
    scope's own, so a join a caller adds to it holds for the scope's later columns."""
    try:
        scopes = traverse_scope(tree)
    except SqlglotError:
        return
    for scope in scopes:
        aliases = scope_aliases(scope)
        for col in scope.columns:
            eq = col.parent
            if not isinstance(eq, exp.EQ):
                continue
            lit = eq.expression if eq.this is col else eq.this
            if isinstance(lit, exp.Literal) and lit.is_string and (table := owner_table(col, aliases, catalog)):
                yield scope, aliases, col, eq, lit, table


def owner_alias(col: exp.Column, table: str, aliases: dict) -> str | None:
    """The alias, as written, through which `col` (of catalog table `table`) is read; None when not one."""
    owner = [case for a, (case, name) in aliases.items() if (a == col.table.lower() if col.table else name.lower() == table.lower())]
    return owner[0] if len(owner) == 1 else None


def owner_table(col: exp.Column, aliases: dict, catalog: SchemaCatalog) -> str | None:
    """The catalog table a column of a scope belongs to (`aliases`: alias (lower) → (alias, table)); None when unsure."""
    if col.table:
        return aliases[col.table.lower()][1] if col.table.lower() in aliases else None
    owners = {name for _, name in aliases.values() if (t := catalog.table(name)) and t.column(col.name)}
    return owners.pop() if len(owners) == 1 else None


def _catalog_column(catalog: SchemaCatalog, table: str, column: str):
    t = catalog.table(table)
    return (t, t.column(column)) if t and t.column(column) else (None, None)


def _real_name(catalog: SchemaCatalog, table: str, column: str) -> str:
    t, c = _catalog_column(catalog, table, column)
    return f"{t.name}.{c.name}" if c else f"{table}.{column}"


def _is_text(catalog: SchemaCatalog, table: str, column: str) -> bool:
    _, c = _catalog_column(catalog, table, column)
    return c is not None and type_family(c.type) == "TEXT"


def _phrases(question: str, longest: int = 5) -> list[str]:
    words = re.findall(r"[\w'/&.-]+", question.lower())
    out = []
    for n in range(1, longest + 1):
        out += [" ".join(words[i : i + n]).strip(".'") for i in range(len(words) - n + 1)]
    return [p for p in out if len(p) >= 3]
