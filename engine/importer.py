"""`sqlsage import`: schema from a connection or DDL files, docs, and example pairs, with a
summary of what was imported, skipped and why, and a diff against the previous import."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from engine.catalog.ddl import import_ddl_files
from engine.catalog.diff import CatalogDiff, diff_catalogs
from engine.catalog.docs import import_docs
from engine.catalog.model import SchemaCatalog, write_atomic
from engine.catalog.reflect import reflect_catalog
from engine.catalog.spider_tables import load_spider_tables
from engine.session import build_index
from engine.sql.errors import SqlRejected
from engine.sql.validate import check_sql
from engine.workspace import Workspace


@dataclass
class ImportSummary:
    target: str
    tables: int = 0
    diff: CatalogDiff | None = None
    skipped: list[str] = field(default_factory=list)
    docs_applied: int = 0
    notes: int = 0
    examples_added: int = 0
    examples_invalid: list[str] = field(default_factory=list)
    embedded: int = 0  # index entries embedded anew by this import
    reused: int = 0  # unchanged entries whose embeddings came from the previous build

    def lines(self) -> list[str]:
        out = [f"{self.target}: {self.tables} tables"]
        if self.diff is not None:
            out += ["  " + x for x in self.diff.lines()]
        if self.docs_applied or self.notes:
            out.append(f"  docs: {self.docs_applied} descriptions applied, {self.notes} notes indexed")
        if self.examples_added or self.examples_invalid:
            out.append(f"  examples: {self.examples_added} indexed, {len(self.examples_invalid)} invalid (not indexed)")
        out.append(f"  index: {self.embedded} entries embedded, {self.reused} unchanged reused")
        out += [f"  skipped: {s}" for s in self.skipped[:50]]
        out += [f"  invalid example: {s}" for s in self.examples_invalid[:50]]
        return out


def offline_url(name: str) -> str:
    """Offline catalogs (DDL only, no database) live under a pseudo-URL in the workspace."""
    return f"sqlite:///offline-{name}.catalog"


def run_import(
    ws: Workspace,
    db: str | None = None,
    ddl: list[Path] | None = None,
    dialect: str = "postgres",
    name: str | None = None,
    docs: list[Path] | None = None,
    examples: list[Path] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportSummary:
    if not db and not ddl and not name:
        raise ValueError("Say what to import into: --db URL, --ddl FILE…, or --name for an offline catalog.")
    url = db or offline_url(name or Path(ddl[0]).stem)
    cat_path = ws.catalog_path(url)
    old = SchemaCatalog.load(cat_path) if cat_path.exists() else None
    summary = ImportSummary(target=url if db else f"offline catalog {name or Path(ddl[0]).stem}")
    if db:
        catalog = reflect_catalog(db, progress=progress)
    elif ddl:
        if len(ddl) == 1 and Path(ddl[0]).name.endswith("tables.json"):
            cats = load_spider_tables(Path(ddl[0]))
            catalog = SchemaCatalog(name or "spider", "sqlite", [t for c in cats.values() for t in _prefixed(c)])
        else:
            result = import_ddl_files([Path(p) for p in ddl], dialect=dialect, name=name)
            catalog, summary.skipped = result.catalog, result.skipped
    else:
        if old is None:
            raise ValueError(f"No catalog named {name!r} yet: import its DDL first.")
        catalog = old
    if old is not None:
        summary.diff = diff_catalogs(old, catalog)
        for t in catalog.tables:  # keep docs imported earlier when the new source has none
            ot = old.table(t.name)
            if ot:
                t.comment = t.comment or ot.comment
                for c in t.columns:
                    oc = ot.column(c.name)
                    if oc and not c.comment:
                        c.comment = oc.comment
        catalog.notes = list(dict.fromkeys(old.notes + catalog.notes))
    for d in docs or []:
        res = import_docs(Path(d), catalog)
        summary.docs_applied += res.described
        summary.notes += len(res.notes)
        summary.skipped += [f"{Path(d).name}: no such table/column {u}" for u in res.unknown]
    for e in examples or []:
        added, invalid = _import_examples(ws, url, catalog, Path(e))
        summary.examples_added += added
        summary.examples_invalid += invalid
    summary.tables = len(catalog.tables)
    catalog.save(cat_path)
    index = build_index(ws, url, catalog, progress=(lambda d, t: progress(d, t, "embedding")) if progress else None)
    summary.embedded, summary.reused = index.last_build["embedded"], index.last_build["reused"]
    return summary


def _prefixed(cat: SchemaCatalog):
    from engine.catalog.model import ForeignKey, Table

    for t in cat.tables:
        yield Table(f"{cat.name}__{t.name}", t.columns, [ForeignKey(f.columns, f"{cat.name}__{f.ref_table}", f.ref_columns) for f in t.foreign_keys], t.comment)


def _import_examples(ws: Workspace, url: str, catalog: SchemaCatalog, path: Path) -> tuple[int, list[str]]:
    if path.suffix.lower() == ".json":
        rows = json.loads(path.read_text(encoding="utf-8"))
        pairs = [(r["question"], r.get("query") or r.get("sql", "")) for r in rows]
    elif path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
        pairs = [(r["question"], r.get("sql") or r.get("query", "")) for r in rows]
    else:
        raise ValueError(f"{path.name}: examples must be Spider-style .json or a .csv with question,sql")
    existing = ws.read_jsonl(url, "examples.jsonl")
    seen = {r["question"] for r in existing}
    invalid, added = [], []
    for q, sql in pairs:
        try:
            checked = check_sql(sql, catalog, row_cap=None)
        except SqlRejected as exc:
            invalid.append(f"{q[:60]!r}: {exc}")
            continue
        if q not in seen:
            seen.add(q)
            added.append({"question": q, "sql": checked.sql, "source": f"import:{path.name}"})
    write_atomic(ws.connection_dir(url) / "examples.jsonl", "".join(json.dumps(r) + "\n" for r in existing + added))
    return len(added), invalid
