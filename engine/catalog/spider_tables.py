"""Spider's tables.json (also BIRD's dev_tables.json) -> one SchemaCatalog per db_id."""

from __future__ import annotations

import json
from pathlib import Path

from engine.catalog.model import Column, ForeignKey, SchemaCatalog, Table

_TYPES = {"number": "INTEGER", "text": "TEXT", "time": "DATETIME", "boolean": "BOOLEAN", "others": "TEXT",
          # BIRD's dev_tables.json names its types as SQLite does
          "integer": "INTEGER", "real": "REAL", "date": "DATE", "datetime": "DATETIME"}


def load_spider_tables(path: Path, dialect: str = "sqlite") -> dict[str, SchemaCatalog]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not a valid Spider tables.json ({exc}).") from exc
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of databases (Spider tables.json format).")
    return {db["db_id"]: spider_db_catalog(db, dialect) for db in data}


def spider_db_catalog(db: dict, dialect: str = "sqlite") -> SchemaCatalog:
    names = db["table_names_original"]
    tables = [Table(name=n) for n in names]
    col_ref: dict[int, tuple[int, str]] = {}
    pks = set()
    for pk in db.get("primary_keys", []):
        pks.update(pk if isinstance(pk, list) else [pk])
    for i, ((t_idx, cname), ctype) in enumerate(zip(db["column_names_original"], db["column_types"], strict=True)):
        if t_idx < 0:
            continue
        tables[t_idx].columns.append(Column(name=cname, type=_TYPES.get(ctype, "TEXT"), primary_key=i in pks))
        col_ref[i] = (t_idx, cname)
    for a, b in db.get("foreign_keys", []):
        if a in col_ref and b in col_ref:
            ta, ca = col_ref[a]
            tb, cb = col_ref[b]
            tables[ta].foreign_keys.append(ForeignKey([ca], names[tb], [cb]))
    return SchemaCatalog(name=db["db_id"], dialect=dialect, tables=tables)
