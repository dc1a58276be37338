"""Value linking: literals in the question ("AC/DC", "Brazil") matched to stored column values,
so the prompt names the right column and the exact stored spelling."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from engine.catalog.model import SchemaCatalog, write_atomic
from engine.prompt.schema_text import type_family

PER_COLUMN = 3000
MAX_LEN = 60
STOP = {"the", "and", "for", "with", "from", "what", "which", "who", "how", "many", "all", "are", "is", "of", "in",
        "by", "list", "show", "find", "give", "name", "names", "number", "each", "that", "have", "has", "their", "there"}


@dataclass
class ValueLink:
    phrase: str
    table: str
    column: str
    value: str

    def hint(self) -> str:
        return f"'{self.value}' is a value of {self.table}.{self.column}"


class ValueIndex:
    """Normalised value -> where it is stored. Built once per connection, kept in the workspace.

    `partial` names the columns with more than PER_COLUMN distinct values: for those, a value
    missing from the index may still be stored (literal linking leaves them alone)."""

    def __init__(self, entries: dict[str, list[list[str]]], partial: list[list[str]] | None = None):
        self.entries = entries
        self.max_words = max((len(k.split()) for k in entries), default=1)
        # an index saved before `partial` was recorded cannot tell: treat every column as partial
        self.partial = {(t.lower(), c.lower()) for t, c in partial} if partial is not None else None
        self._by_column: dict[tuple[str, str], set[str]] | None = None

    def indexes(self, value: str) -> bool:
        """Whether a value like this one is kept in the index when stored (short codes and numbers are not)."""
        return _indexable(value.strip())

    def places(self, value: str) -> list[list[str]]:
        """Where the value is stored, in any case: [table, column, stored spelling] each."""
        return self.entries.get(normalise(value), [])

    def column_values(self, table: str, column: str) -> set[str] | None:
        """Every indexable value the column stores; None when the index did not read the column whole."""
        key = (table.lower(), column.lower())
        if self.partial is None or key in self.partial:
            return None
        if self._by_column is None:
            self._by_column = {}
            for hits in self.entries.values():
                for t, c, v in hits:
                    self._by_column.setdefault((t.lower(), c.lower()), set()).add(v)
        return self._by_column.get(key)

    @classmethod
    def build(cls, db, catalog: SchemaCatalog) -> ValueIndex:
        entries: dict[str, list[list[str]]] = {}
        partial: list[list[str]] = []
        prep = db.engine.dialect.identifier_preparer
        with db.engine.connect() as conn:
            for t in catalog.tables:
                for c in t.columns:
                    if type_family(c.type) != "TEXT" or c.primary_key:
                        continue
                    sql = f"SELECT DISTINCT {prep.quote(c.name)} FROM {prep.quote(t.name)} WHERE {prep.quote(c.name)} IS NOT NULL LIMIT {PER_COLUMN + 1}"
                    try:
                        values = [r[0] for r in conn.exec_driver_sql(sql)]
                    except sa.exc.DBAPIError:
                        conn.rollback()
                        partial.append([t.name, c.name])
                        continue
                    if len(values) > PER_COLUMN:
                        values = values[:PER_COLUMN]
                        partial.append([t.name, c.name])
                    for v in values:
                        if isinstance(v, str) and _indexable(v):
                            entries.setdefault(normalise(v), []).append([t.name, c.name, v])
        return cls(entries, partial)

    def save(self, path: Path) -> None:
        partial = sorted([t, c] for t, c in self.partial) if self.partial is not None else None
        write_atomic(path, json.dumps({"entries": self.entries, "partial": partial}))

    @classmethod
    def load(cls, path: Path) -> ValueIndex:
        data = json.loads(Path(path).read_text())
        if isinstance(data.get("entries"), dict):
            return cls(data["entries"], data.get("partial"))
        return cls(data)  # the format before `partial`: value -> places

    def link(self, question: str, max_links: int = 4) -> list[ValueLink]:
        """Longest exact (case-insensitive) n-gram matches first; quoted phrases always tried."""
        words = re.findall(r"[\w'/&.-]+", question)
        found: list[ValueLink] = []
        used: set[int] = set()
        quoted = re.findall(r"[\"“']([^\"”']{3,60})[\"”']", question)
        for q in quoted:
            for table, col, value in self.entries.get(normalise(q), [])[:2]:
                found.append(ValueLink(q, table, col, value))
        for n in range(min(self.max_words, 6), 0, -1):
            for i in range(len(words) - n + 1):
                span = set(range(i, i + n))
                if span & used:
                    continue
                phrase = " ".join(words[i : i + n]).strip(".'")
                key = normalise(phrase)
                if n == 1 and (key in STOP or len(key) < 3):
                    continue
                hits = self.entries.get(key)
                if hits and len(hits) <= 3:
                    used |= span
                    for table, col, value in hits:
                        if not any(f.table == table and f.column == col and f.value == value for f in found):
                            found.append(ValueLink(phrase, table, col, value))
        return found[:max_links]


def _indexable(value: str) -> bool:
    """Kept in the index: not a short code, not a bare number, not a long text."""
    return 2 < len(value) <= MAX_LEN and not value.isdigit()


def normalise(text: str) -> str:
    return " ".join(text.lower().split())
