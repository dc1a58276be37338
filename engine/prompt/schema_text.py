"""Render catalog tables as compact DDL for prompts and the index."""

from __future__ import annotations

import re

from engine.catalog.model import SchemaCatalog, Table

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote(name: str) -> str:
    return name if _PLAIN.match(name) else '"' + name.replace('"', '""') + '"'


def table_ddl(table: Table, samples: bool = True, comments: bool = True) -> str:
    """One CREATE TABLE, column per line, keys inline, docs and sample values as comments."""
    lines = []
    fk_by_col = {}
    for fk in table.foreign_keys:
        if len(fk.columns) == 1:
            ref_col = fk.ref_columns[0] if fk.ref_columns else ""
            fk_by_col[fk.columns[0].lower()] = f"{quote(fk.ref_table)}({quote(ref_col)})" if ref_col else quote(fk.ref_table)
    for c in table.columns:
        parts = [quote(c.name), (c.type or "TEXT").split("(")[0]]
        if c.primary_key:
            parts.append("PRIMARY KEY")
        ref = fk_by_col.get(c.name.lower())
        if ref:
            parts.append(f"REFERENCES {ref}")
        notes = []
        if comments and c.comment:
            notes.append(_one_line(c.comment))
        if samples and c.samples:
            notes.append("e.g. " + ", ".join(repr(s) for s in c.samples[:3]))
        line = "  " + " ".join(parts)
        if notes:
            line += " -- " + "; ".join(notes)
        lines.append(line)
    head = f"CREATE TABLE {quote(table.name)} ("
    if comments and table.comment:
        head = f"-- {_one_line(table.comment)}\n" + head
    body = ",\n".join(lines)
    extra = [
        f"  FOREIGN KEY ({', '.join(map(quote, fk.columns))}) REFERENCES {quote(fk.ref_table)}"
        f"({', '.join(map(quote, fk.ref_columns))})"
        for fk in table.foreign_keys
        if len(fk.columns) > 1
    ]
    if extra:
        body += ",\n" + ",\n".join(extra)
    return f"{head}\n{body}\n);"


def schema_ddl(catalog: SchemaCatalog, tables: list[str] | None = None, samples: bool = True) -> str:
    """DDL of the named tables (all when None), always in catalog order so prompts stay stable."""
    wanted = None if tables is None else {t.lower() for t in tables}
    return "\n\n".join(
        table_ddl(t, samples=samples) for t in catalog.tables if wanted is None or t.name.lower() in wanted
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
