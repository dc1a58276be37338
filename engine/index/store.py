"""The knowledge index: tables, question→SQL examples and doc notes in LanceDB.

Builds are written to a fresh directory and published by atomically replacing
a CURRENT pointer, so a crash mid-build leaves the previous index usable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from engine.catalog.model import write_atomic
from engine.index.embedder import DIM, Embedder, default_embedder

TABLE = "knowledge"
KINDS = ("table", "example", "doc")


@dataclass
class Entry:
    """One indexed row: what is embedded/full-text searched, and what it stands for."""

    kind: str
    key: str  # table name, example id or doc id
    text: str
    payload: dict = field(default_factory=dict)


@dataclass
class Hit:
    entry: Entry
    score: float


class IndexMissing(RuntimeError):
    pass


def words(text: str) -> str:
    """Split identifiers so full-text search finds 'invoice line' in InvoiceLine / invoice_line."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return re.sub(r"[_\W]+", " ", text).strip()


SCHEMA = pa.schema(
    [
        pa.field("kind", pa.string()),
        pa.field("key", pa.string()),
        pa.field("text", pa.string()),
        pa.field("payload", pa.string()),
        pa.field("vector", pa.list_(pa.float32(), DIM)),
    ]
)


class KnowledgeIndex:
    """A versioned LanceDB directory under `root` (builds/<id> + CURRENT)."""

    def __init__(self, root: Path, embedder: Embedder | None = None):
        self.root = Path(root)
        self._embedder = embedder
        self._table = None
        self._opened_build: str | None = None
        self.last_build = {"embedded": 0, "reused": 0}  # what the last build had to embed

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    # -- building ------------------------------------------------------------
    def build(self, entries: Iterable[Entry], progress: Callable[[int, int], None] | None = None) -> str:
        entries = list(entries)
        self.root.mkdir(parents=True, exist_ok=True)
        self.clean_partial()
        build_id = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
        tmp = self.root / "builds" / f"{build_id}.partial"
        tmp.mkdir(parents=True)
        vectors = self._vectors([e.text for e in entries], progress)
        import lancedb
        from lancedb.index import FTS

        db = lancedb.connect(str(tmp))
        data = pa.Table.from_pylist(
            [
                {"kind": e.kind, "key": e.key, "text": e.text, "payload": json.dumps(e.payload), "vector": v.tolist()}
                for e, v in zip(entries, vectors, strict=True)
            ],
            schema=SCHEMA,
        )
        tbl = db.create_table(TABLE, data=data, schema=SCHEMA)
        if len(entries):
            tbl.create_index("text", config=FTS(with_position=False))
        final = self.root / "builds" / build_id
        os.replace(tmp, final)
        self._publish(build_id)
        self._table = None
        self._prune(keep=2)
        return build_id

    def _vectors(self, texts: list[str], progress: Callable[[int, int], None] | None) -> list:
        """Embeddings for texts, reusing the current build's for unchanged texts (the slow part).

        This makes a re-import or a saved example cost only what changed; the new build is
        still written whole and published by swap, so readers never see a half-updated index.
        """
        known = self._current_vectors(set(texts))
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        step = 64
        for i in range(0, len(todo), step):
            chunk = todo[i : i + step]
            known.update(zip(chunk, self.embedder.embed(chunk), strict=True))
            if progress:
                progress(min(i + step, len(todo)), len(todo))
        if progress and not todo:
            progress(0, 0)
        fresh = set(todo)
        self.last_build = {"embedded": len(todo), "reused": sum(1 for t in texts if t not in fresh)}
        return [known[t] for t in texts]

    def _current_vectors(self, wanted: set[str]) -> dict:
        if self.current() is None:
            return {}
        try:
            rows = self.table().to_arrow().select(["text", "vector"])
        except Exception:  # an unreadable old build only costs a full re-embed
            return {}
        import numpy as np

        texts = rows.column("text").to_pylist()
        vecs = rows.column("vector").combine_chunks().flatten().to_numpy().reshape(len(texts), DIM) if texts else []
        return {t: np.asarray(vecs[i], dtype=np.float32) for i, t in enumerate(texts) if t in wanted}

    def _publish(self, build_id: str) -> None:
        write_atomic(self.root / "CURRENT", build_id)

    def current(self) -> str | None:
        p = self.root / "CURRENT"
        if not p.exists():
            return None
        build = p.read_text().strip()
        return build if (self.root / "builds" / build).is_dir() else None

    def clean_partial(self) -> list[str]:
        """Remove builds a crash left half-written; returns their names."""
        removed = []
        for p in (self.root / "builds").glob("*.partial") if (self.root / "builds").exists() else []:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
        return removed

    def _prune(self, keep: int) -> None:
        cur = self.current()
        builds = sorted(p for p in (self.root / "builds").iterdir() if p.is_dir() and not p.name.endswith(".partial"))
        for p in builds[:-keep]:
            if p.name != cur:
                shutil.rmtree(p, ignore_errors=True)

    # -- reading -------------------------------------------------------------
    def exists(self) -> bool:
        return self.current() is not None

    def table(self):
        cur = self.current()
        if cur is None:
            raise IndexMissing(f"No index in {self.root}. Run `sqlsage index --db URL` first.")
        if self._table is None or self._opened_build != cur:
            import lancedb

            self._table = lancedb.connect(str(self.root / "builds" / cur)).open_table(TABLE)
            self._opened_build = cur
        return self._table

    def search(self, query: str, kind: str, k: int = 5, mode: str = "hybrid", vector=None) -> list[Hit]:
        """Hybrid (vector + full text, fused by reciprocal rank) search within one kind."""
        if kind not in KINDS:
            raise ValueError(kind)
        tbl = self.table()
        where = f"kind = '{kind}'"
        if vector is None and mode != "fts":
            vector = self.embedder.embed([query])[0]
        cols = ["kind", "key", "text", "payload"]
        fts_query = _fts_query(query)
        if mode == "vector" or (mode == "hybrid" and not fts_query):
            rows = tbl.search(vector).where(where, prefilter=True).select(cols + ["_distance"]).limit(k).to_list()
            return [Hit(_entry(r), 1.0 - float(r["_distance"]) / 2) for r in rows]
        if mode == "fts":
            if not fts_query:
                return []
            rows = (
                tbl.search(fts_query, query_type="fts", fts_columns="text")
                .where(where, prefilter=True)
                .select(cols)
                .limit(k)
                .to_list()
            )
            return [Hit(_entry(r), float(r.get("_score", 0.0))) for r in rows]
        from lancedb.rerankers import RRFReranker

        rows = (
            tbl.search(query_type="hybrid", fts_columns="text")
            .vector(vector)
            .text(fts_query)
            .where(where, prefilter=True)
            .rerank(RRFReranker())
            .select(cols)
            .limit(k)
            .to_list()
        )
        return [Hit(_entry(r), float(r.get("_relevance_score", 0.0))) for r in rows]


def _fts_query(text: str) -> str:
    """Plain words only: full-text syntax characters in a question must not break the search."""
    return " ".join(w for w in re.findall(r"[A-Za-z0-9]+", text) if len(w) > 1)


def _entry(row: dict) -> Entry:
    return Entry(kind=row["kind"], key=row["key"], text=row["text"], payload=json.loads(row["payload"] or "{}"))
