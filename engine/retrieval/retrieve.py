"""Retrieve what a question needs: tables (hybrid search + FK expansion), examples, notes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from engine.catalog.model import SchemaCatalog
from engine.index.store import KnowledgeIndex
from engine.retrieval.fk_expand import expand_along_fks


@dataclass
class ScoredItem:
    name: str
    score: float
    why: str  # "retrieved", "pinned", "fk", "all"


@dataclass
class Example:
    question: str
    sql: str
    score: float


@dataclass
class Retrieved:
    tables: list[ScoredItem] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]


@dataclass
class RetrievalSettings:
    k_tables: int = 4
    k_examples: int = 3
    k_notes: int = 2
    fk_expand: bool = True
    whole_schema_up_to: int = 0  # put every table in when the database has at most this many
    mode: str = "hybrid"


def retrieve(
    question: str,
    catalog: SchemaCatalog,
    index: KnowledgeIndex | None,
    settings: RetrievalSettings,
    pinned: list[str] = (),
    exclude_examples: set[str] | None = None,
    examples_index: KnowledgeIndex | None = None,
) -> Retrieved:
    """examples_index: a shared pool of question→SQL pairs searched instead of `index`'s own.

    exclude_examples: normalised questions and SQL that must never come back (evaluation leakage)."""
    start = time.perf_counter()
    out = Retrieved()
    names = {t.name.lower(): t.name for t in catalog.tables}
    chosen: dict[str, ScoredItem] = {}
    for p in pinned:
        if p.lower() in names:
            chosen[p.lower()] = ScoredItem(names[p.lower()], 1.0, "pinned")
    if index is None or len(catalog.tables) <= max(settings.whole_schema_up_to, 0):
        for low, real in names.items():
            chosen.setdefault(low, ScoredItem(real, 1.0, "all"))
    any_index = index or examples_index
    vector = any_index.embedder.embed([question])[0] if any_index is not None else None
    if index is not None and len(chosen) < len(names):
        for hit in index.search(question, "table", k=settings.k_tables, mode=settings.mode, vector=vector):
            low = hit.entry.key.lower()
            if low in names and low not in chosen:
                chosen[low] = ScoredItem(names[low], hit.score, "retrieved")
        if settings.fk_expand:
            for low in expand_along_fks(catalog.neighbours(), list(chosen)):
                chosen.setdefault(low, ScoredItem(names[low], 0.0, "fk"))
    out.tables = list(chosen.values())
    ex_index = examples_index or index
    if ex_index is not None and settings.k_examples:
        extra = len(exclude_examples or ()) and settings.k_examples * 4
        for hit in ex_index.search(question, "example", k=settings.k_examples + extra, mode=settings.mode, vector=vector):
            q, sql = hit.entry.payload.get("question", ""), hit.entry.payload.get("sql", "")
            if exclude_examples and (normalise(q) in exclude_examples or normalise(sql) in exclude_examples):
                continue
            out.examples.append(Example(q, sql, hit.score))
            if len(out.examples) >= settings.k_examples:
                break
    if index is not None and settings.k_notes:
        out.notes = [h.entry.text for h in index.search(question, "doc", k=settings.k_notes, mode=settings.mode, vector=vector)]
    out.seconds = time.perf_counter() - start
    return out


def normalise(text: str) -> str:
    return " ".join(text.lower().replace('"', "'").rstrip(";").split())
