"""Documentation import: column/table descriptions (CSV, JSON incl. defog's metadata files)
and free-text Markdown notes chunked for retrieval."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.catalog.ddl import read_text_file
from engine.catalog.model import SchemaCatalog


@dataclass
class DocsImport:
    described: int = 0
    notes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # table.column not in the catalog


def import_docs(path: Path, catalog: SchemaCatalog) -> DocsImport:
    """Merge descriptions into the catalog in place; returns what was applied and what was not."""
    path = Path(path)
    text = read_text_file(path)
    out = DocsImport()
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path.name} is not valid JSON ({exc}).") from exc
        meta = data.get("table_metadata", data) if isinstance(data, dict) else {}
        rows = [(t, c.get("column_name", ""), c.get("column_description", "")) for t, cols in meta.items() if isinstance(cols, list) for c in cols]
        out.notes += glossary_notes(data.get("glossary", []) if isinstance(data, dict) else [])
    elif suffix == ".csv":
        reader = list(csv.DictReader(text.splitlines()))
        if reader and not {"table", "description"} <= set(reader[0]):
            raise ValueError(f"{path.name}: expected columns table, column, description")
        rows = [(r["table"], r.get("column", ""), r["description"]) for r in reader]
    elif suffix in (".md", ".markdown", ".txt"):
        out.notes = chunk_markdown(text)
        catalog.notes.extend(out.notes)
        return out
    else:
        raise ValueError(f"{path.name}: documentation must be .json, .csv or .md")
    for table, column, desc in rows:
        t = catalog.table(table)
        if t is None:
            out.unknown.append(f"{table}.{column}" if column else table)
            continue
        if not column:
            t.comment = desc
            out.described += 1
            continue
        c = t.column(column)
        if c is None:
            out.unknown.append(f"{table}.{column}")
            continue
        c.comment = desc
        out.described += 1
    catalog.notes.extend(out.notes)
    return out


def glossary_notes(glossary) -> list[str]:
    """defog's glossary is one string of "- " bullet lines (a list in other files): one note per
    bullet, so retrieval can pick the business term a question needs, never a single character."""
    if isinstance(glossary, str):
        items = [line.strip().removeprefix("- ").removeprefix("* ").strip() for line in glossary.splitlines()]
    else:
        items = [str(g).strip() for g in glossary or []]
    return [i for i in items if i]


def chunk_markdown(text: str, max_chars: int = 600) -> list[str]:
    """Split on headings and blank lines; keep each heading with its paragraph."""
    chunks, heading = [], ""
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block:
            continue
        if block.startswith("#"):
            lines = block.splitlines()
            heading = lines[0].lstrip("# ").strip()
            block = "\n".join(lines[1:]).strip()
            if not block:
                continue
        piece = f"{heading}: {block}" if heading else block
        while len(piece) > max_chars:
            chunks.append(piece[:max_chars])
            piece = piece[max_chars:]
        chunks.append(piece)
    return chunks
