"""Turn a catalog, example pairs and notes into index entries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from engine.catalog.model import SchemaCatalog
from engine.index.store import Entry, words
from engine.prompt.schema_text import table_ddl


@dataclass
class ExamplePair:
    question: str
    sql: str
    db: str = ""
    source: str = "user"


def table_entries(catalog: SchemaCatalog) -> list[Entry]:
    out = []
    for t in catalog.tables:
        docs = " ".join([t.comment] + [c.comment for c in t.columns if c.comment])
        samples = " ".join(s for c in t.columns for s in c.samples)
        text = " ".join(
            [words(t.name), ":", ", ".join(words(c.name) for c in t.columns), docs, samples]
        ).strip()
        out.append(Entry("table", t.name, text, {"ddl": table_ddl(t)}))
    return out


def example_key(question: str, sql: str) -> str:
    return hashlib.sha1(f"{question}\n{sql}".encode()).hexdigest()[:16]


def example_entries(pairs: list[ExamplePair]) -> list[Entry]:
    return [
        Entry("example", example_key(p.question, p.sql), p.question, {"question": p.question, "sql": p.sql, "db": p.db, "source": p.source})
        for p in pairs
    ]


def doc_entries(notes: list[str]) -> list[Entry]:
    return [Entry("doc", hashlib.sha1(n.encode()).hexdigest()[:16], n, {"text": n}) for n in notes if n.strip()]
