"""The schema catalog: the one description of a database every stage shares.

Plain dataclasses so it serialises to JSON in the workspace and can be built
from a live connection, DDL files or Spider's tables.json alike.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Column:
    name: str
    type: str = ""
    primary_key: bool = False
    nullable: bool = True
    comment: str = ""
    samples: list[str] = field(default_factory=list)


@dataclass
class ForeignKey:
    columns: list[str]
    ref_table: str
    ref_columns: list[str]


@dataclass
class Table:
    name: str
    columns: list[Column] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    comment: str = ""

    def column(self, name: str) -> Column | None:
        low = name.lower()
        return next((c for c in self.columns if c.name.lower() == low), None)


@dataclass
class SchemaCatalog:
    """Tables of one database plus the dialect its SQL must be written in."""

    name: str
    dialect: str = "sqlite"
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table | None:
        low = name.lower()
        return next((t for t in self.tables if t.name.lower() == low), None)

    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    def neighbours(self) -> dict[str, set[str]]:
        """Undirected FK graph, keyed by lower-case table name."""
        graph: dict[str, set[str]] = {t.name.lower(): set() for t in self.tables}
        for t in self.tables:
            for fk in t.foreign_keys:
                ref = fk.ref_table.lower()
                if ref in graph and ref != t.name.lower():
                    graph[t.name.lower()].add(ref)
                    graph[ref].add(t.name.lower())
        return graph

    def as_sqlglot_schema(self) -> dict[str, dict[str, str]]:
        return {t.name: {c.name: (c.type or "TEXT") for c in t.columns} for t in self.tables}

    # -- persistence -------------------------------------------------------
    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SchemaCatalog:
        tables = [
            Table(
                name=t["name"],
                columns=[Column(**c) for c in t.get("columns", [])],
                foreign_keys=[ForeignKey(**f) for f in t.get("foreign_keys", [])],
                comment=t.get("comment", ""),
            )
            for t in data.get("tables", [])
        ]
        return cls(
            name=data["name"],
            dialect=data.get("dialect", "sqlite"),
            tables=tables,
            notes=list(data.get("notes", [])),
        )

    def save(self, path: Path) -> None:
        """Write atomically so a crash never leaves half a catalog behind."""
        write_atomic(path, json.dumps(self.to_dict(), indent=1))

    @classmethod
    def load(cls, path: Path) -> SchemaCatalog:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def write_atomic(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
