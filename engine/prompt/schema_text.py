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


def type_family(t: str) -> str:
    """Coarse type names, so reflected (VARCHAR(40), NUMERIC(10,2)) and declared schemas read alike."""
    u = (t or "").upper()
    if any(k in u for k in ("INT", "SERIAL")):
        return "INTEGER"
    if any(k in u for k in ("REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL", "NUMBER")):
        return "REAL"
    if any(k in u for k in ("DATE", "TIME")):
        return "DATETIME"
    if "BOOL" in u:
        return "BOOLEAN"
    return "TEXT"


def table_compact(table: Table, samples: bool = False) -> str:
    """One line per table: cheap in tokens, which is what CPU prompt processing pays for."""
    fk_by_col = {fk.columns[0].lower(): fk for fk in table.foreign_keys if len(fk.columns) == 1}
    cols = []
    for c in table.columns:
        part = f"{quote(c.name)} {type_family(c.type)}"
        if c.primary_key:
            part += " PRIMARY KEY"
        fk = fk_by_col.get(c.name.lower())
        if fk is not None:
            ref = f"({quote(fk.ref_columns[0])})" if fk.ref_columns else ""
            part += f" REFERENCES {quote(fk.ref_table)}{ref}"
        if samples and c.samples:
            part += " /* e.g. " + ", ".join("'" + s.replace("'", "''")[:30] + "'" for s in c.samples[:3]) + " */"
        cols.append(part)
    return f"CREATE TABLE {quote(table.name)} ({', '.join(cols)});"


def schema_text(catalog: SchemaCatalog, tables: list[str] | None = None, style: str = "compact", samples: bool = False) -> str:
    if style == "ddl":
        return schema_ddl(catalog, tables, samples=samples)
    wanted = None if tables is None else {t.lower() for t in tables}
    return "\n".join(table_compact(t, samples) for t in catalog.tables if wanted is None or t.name.lower() in wanted)
