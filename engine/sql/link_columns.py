"""Deterministic schema linking: point a column the model misnamed or misplaced at the real one.

Small models mostly fail Spider-style questions by naming a column that is not where they put
it: `pet_type` for `PetType`, `T1.fname` when `fname` is in T2's table, or `Name` on
`poker_player` when it lives in `people`, one foreign key away. Each of those has exactly one
sensible repair given the catalog, so it is made here, in microseconds, instead of asking the
model to repair (which it often cannot). Only unambiguous fixes are made; anything else is left
for the column check to report and the model to repair. Every fix is described in plain words
for the trace.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import Scope, traverse_scope

from engine.catalog.model import SchemaCatalog, Table
from engine.sql.join_roles import column_role, pick_by_role
from engine.sql.joins import add_join, new_alias, sources


def _norm(name: str) -> str:
    return name.lower().replace("_", "").replace(" ", "")


def _match_in(table: Table, name: str) -> str | None:
    """The table's column `name` means: exact (any case), same letters without `_`, the table's
    name as a prefix (`countrycode` in `country` is `Code`), or one near spelling."""
    if col := table.column(name):
        return col.name
    norm, wanted = {_norm(c.name): c.name for c in table.columns}, _norm(name)
    if wanted in norm:
        return norm[wanted]
    prefix = _norm(table.name)
    if wanted.startswith(prefix) and wanted[len(prefix):] in norm:
        return norm[wanted[len(prefix):]]
    close = difflib.get_close_matches(wanted, list(norm), n=2, cutoff=0.85)
    return norm[close[0]] if len(close) == 1 else None


@dataclass
class _Edge:
    """How a table outside the query joins one inside it."""

    alias: str  # the query-side table's alias
    local: str  # its column
    remote: str  # the new table's column


def _edges(inside: Table, alias: str, outside: Table) -> list[_Edge]:
    edges = []
    for fk in inside.foreign_keys:
        if fk.ref_table.lower() == outside.name.lower() and len(fk.columns) == 1:
            edges.append(_Edge(alias, fk.columns[0], fk.ref_columns[0]))
    for fk in outside.foreign_keys:
        if fk.ref_table.lower() == inside.name.lower() and len(fk.columns) == 1:
            edges.append(_Edge(alias, fk.ref_columns[0], fk.columns[0]))
    if not edges:  # undeclared keys: one side's primary key named the same, not a key, on the other
        for a, b in ((inside, outside), (outside, inside)):
            for pk in (c for c in a.columns if c.primary_key):
                if (ref := b.column(pk.name)) and not ref.primary_key:  # not `id` = `id` of two tables
                    edges.append(_Edge(alias, inside.column(pk.name).name, outside.column(pk.name).name))
    return edges


class _ScopeLinker:
    """Fixes within one SELECT: its own FROM/JOIN tables, not those of subqueries."""

    def __init__(self, scope: Scope, catalog: SchemaCatalog, fixes: list[str], question: str = ""):
        self.scope, self.catalog, self.fixes, self.question = scope, catalog, fixes, question
        self.tables: dict[str, Table] = {}  # alias (lower) → catalog table
        self.alias_case: dict[str, str] = {}
        for name, source in scope.sources.items():
            if isinstance(source, exp.Table) and (t := catalog.table(source.name)):
                self.tables[name.lower()] = t
                self.alias_case[name.lower()] = name
        self.select = scope.expression if isinstance(scope.expression, exp.Select) else None
        # names given with AS in the select list may be used bare in ORDER BY / HAVING
        self.output_names = {s.alias.lower() for s in self.select.expressions if isinstance(s, exp.Alias)} if self.select else set()
        self.join_keys = self._join_keys()
        self.joined: list[str] = []  # aliases this linker added

    def run(self) -> None:
        if not self.tables or self.select is None or len(self.tables) != len(self.scope.sources):
            return  # derived tables or CTEs: their columns are not the catalog's
        for col in list(self.scope.columns):
            if col.name == "*" or (not col.table and col.name.lower() in self.output_names) or self._inner(col) or self._outer(col):
                continue
            self._link(col)
        if self.joined:
            self._qualify_ambiguous()

    def _inner(self, col: exp.Column) -> bool:
        """A column of a subquery that its own tables have: SQL resolves it there, not here.

        sqlglot's scope cannot tell without the schema, so it lists every bare subquery column as
        possibly correlated (`… IN (SELECT AlbumId FROM Album WHERE Title = 'x')` gives the outer
        scope `Title`); linking those here would join Album into the outer query."""
        inner = col.find_ancestor(exp.Select)
        if inner is None or inner is self.select:
            return False
        own = {src.alias_or_name.lower(): t for src in sources(inner)
               if isinstance(src, exp.Table) and (t := self.catalog.table(src.name))}
        if col.table:
            return col.table.lower() in own
        return any(t.column(col.name) for t in own.values())

    def _outer(self, col: exp.Column) -> bool:
        """A correlated reference (`T.Milliseconds` inside a subquery, `T` an alias of the query
        around it): that query's linker owns it."""
        if not col.table or col.table.lower() in self.tables or self.select is None:
            return False
        outer = self.select.parent
        while outer is not None:
            if isinstance(outer, exp.Select):
                if any(src.alias_or_name.lower() == col.table.lower() for src in sources(outer)):
                    return True
            outer = outer.parent
        return False

    def _join_keys(self) -> set[str]:
        """Column names joined by equality (`T1.x = T2.x`): a bare `x` means the same value on both sides."""
        keys = set()
        for join in (self.select.args.get("joins") or []) if self.select else []:
            for eq in (join.args.get("on") or exp.true()).find_all(exp.EQ):
                a, b = eq.this, eq.expression
                if isinstance(a, exp.Column) and isinstance(b, exp.Column) and a.name.lower() == b.name.lower():
                    keys.add(a.name.lower())
        return keys

    def _owners(self, name: str) -> list[str]:
        return [a for a, t in self.tables.items() if t.column(name)]

    def _link(self, col: exp.Column) -> None:
        qual, before = col.table.lower(), col.sql()
        if qual and qual not in self.tables:
            by_name = [a for a, t in self.tables.items() if t.name.lower() == qual]
            if len(by_name) == 1:  # `singer.name` while singer is `T1`
                self._set(col, by_name[0], col.name, f"{before} → table {self.tables[by_name[0]].name} is aliased")
                qual = by_name[0]
            else:  # an alias the query never defined: link it as if it were bare
                col.set("table", None)
                qual = ""
        if qual and self.tables[qual].column(col.name):
            return
        owners = self._owners(col.name)
        if not qual and len(owners) > 1 and col.name.lower() in self.join_keys:
            self._set(col, owners[0], self.tables[owners[0]].column(col.name).name, f"{before} → {self.alias_case[owners[0]]}.{col.name} (the join key; both sides are equal)")
            return
        if not qual and owners:
            if before != col.sql() and len(owners) == 1:
                self._set(col, owners[0] if len(self.tables) > 1 else None, col.name, f"{before} → {col.name} (no such alias)")
            return
        if qual and (fixed := _match_in(self.tables[qual], col.name)):
            self._set(col, qual, fixed, f"{before} → {self._ref(qual, fixed)} (the column's real name)")
            return
        if qual and col.find_ancestor(exp.Join):  # a join condition: moving a side to the other table breaks the join
            return
        # the column is in another table of this query (`owners` cannot hold `qual` by now)
        exact = owners
        near = [(a, m) for a, t in self.tables.items() if a != qual and (m := _match_in(t, col.name))]
        if len(exact) == 1 or (not exact and len(near) == 1):
            alias, name = (exact[0], self.tables[exact[0]].column(col.name).name) if exact else near[0]
            where = f"it is in {self.tables[alias].name}" if qual else "the column's real name"
            self._set(col, alias if (qual or len(self.tables) > 1) else None, name, f"{before} → {self._ref(alias, name)} ({where})")
            return
        if not exact and not near:
            self._join_for(col, before)

    def _join_for(self, col: exp.Column, before: str) -> None:
        """The column lives in a table one foreign key away from exactly one table of the query."""
        used = {t.name.lower() for t in self.tables.values()}
        options = []
        for table in self.catalog.tables:
            if table.name.lower() in used or not (name := _match_in(table, col.name)):
                continue
            for alias, inside in self.tables.items():
                options += [(table, name, e) for e in _edges(inside, alias, table)]
        if len(options) > 1:
            options = self._by_role(options)
        if len(options) != 1:
            return
        table, name, edge = options[0]
        alias = new_alias({a: t.name for a, t in self.tables.items()}, table.name)
        add_join(self.select, table.name, alias, exp.column(edge.local, table=self.alias_case[edge.alias]), edge.remote)
        self.tables[alias.lower()] = table
        self.alias_case[alias.lower()] = alias
        self.joined.append(alias.lower())
        self._set(col, alias.lower(), name, f"{before} → {alias}.{name} (joined {table.name} on {edge.local} = {edge.remote})")

    def _by_role(self, options: list) -> list:
        """Two keys from one query table to the same table (`SourceAirport`, `DestAirport`): the one
        the question's direction words ask for, if exactly one."""
        if len({(t.name, n, e.alias) for t, n, e in options}) != 1:
            return options
        choice = pick_by_role([self._fk_column(e) for _, _, e in options], self.question)
        return options if choice is None else [options[choice]]

    @staticmethod
    def _fk_column(edge: _Edge) -> str:
        """The referencing side's column: the one that carries a role in its name."""
        return edge.local if column_role(edge.local) else edge.remote

    def _qualify_ambiguous(self) -> None:
        """After a join, bare columns the old tables had may now be ambiguous: pin them to their owner."""
        for col in self.scope.columns:
            if col.table or col.name == "*" or col.name.lower() in self.output_names:
                continue
            owners = self._owners(col.name)
            old = [a for a in owners if a not in self.joined]
            if len(owners) > 1 and old:
                col.set("table", exp.to_identifier(self.alias_case[old[0]]))

    def _set(self, col: exp.Column, alias: str | None, name: str, why: str) -> None:
        col.set("this", exp.to_identifier(name))
        col.set("table", exp.to_identifier(self.alias_case[alias]) if alias else None)
        self.fixes.append(why)

    def _ref(self, alias: str, name: str) -> str:
        return f"{self.alias_case[alias]}.{name}" if len(self.tables) > 1 else name


def link_columns(tree: exp.Expression, catalog: SchemaCatalog, question: str = "") -> list[str]:
    """Fix misnamed or misplaced columns in place; returns one line per fix (empty: nothing changed).

    The `question` only picks between two foreign keys to one table (see `join_roles`)."""
    fixes: list[str] = []
    try:
        scopes = traverse_scope(tree)
    except SqlglotError:
        return fixes
    for scope in scopes:
        _ScopeLinker(scope, catalog, fixes, question).run()
    return fixes
