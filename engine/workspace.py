"""Where sqlsage keeps its state: catalogs, indexes, history, saved examples, models, settings.

Default: the platform's user data dir; `--workspace DIR` points anywhere else.
No password is ever written here: URLs are stored redacted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import sqlalchemy as sa

from engine.catalog.model import write_atomic
from engine.execute.connect import redact_url


def default_workspace() -> Path:
    env = os.environ.get("SQLSAGE_WORKSPACE")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("sqlsage", appauthor=False))


def connection_key(url: str) -> str:
    """Stable folder name per database: readable stem + hash of the password-free URL."""
    u = sa.make_url(url)
    if u.get_backend_name() == "sqlite" and u.database:
        ident = "sqlite:" + str(Path(u.database).expanduser().resolve())
        stem = Path(u.database).stem
    else:
        ident = redact_url(url)
        stem = f"{u.get_backend_name()}-{u.database or 'db'}"
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)[:40]
    return f"{stem}-{hashlib.sha1(ident.encode()).hexdigest()[:8]}"


class Workspace:
    def __init__(self, root: Path | str | None = None):
        self.root = (Path(root) if root else default_workspace()).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    def connection_dir(self, url: str) -> Path:
        d = self.root / "connections" / connection_key(url)
        d.mkdir(parents=True, exist_ok=True)
        meta = d / "connection.json"
        if not meta.exists():
            write_atomic(meta, json.dumps({"url": redact_url(url)}, indent=1))
        return d

    def catalog_path(self, url: str) -> Path:
        return self.connection_dir(url) / "catalog.json"

    def index_dir(self, url: str) -> Path:
        return self.connection_dir(url) / "index"

    def settings(self) -> dict:
        p = self.root / "settings.json"
        try:
            return json.loads(p.read_text()) if p.exists() else {}
        except json.JSONDecodeError:
            return {}

    def save_settings(self, data: dict) -> None:
        write_atomic(self.root / "settings.json", json.dumps(data, indent=1))

    def append_jsonl(self, url: str, name: str, record: dict) -> None:
        p = self.connection_dir(url) / name
        with p.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    def read_jsonl(self, url: str, name: str) -> list[dict]:
        p = self.connection_dir(url) / name
        if not p.exists():
            return []
        out = []
        for line in p.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a torn last line after a crash: skip it, keep the rest
        return out

    def pinned(self, url: str) -> list[str]:
        p = self.connection_dir(url) / "pinned.json"
        return json.loads(p.read_text()) if p.exists() else []

    def set_pinned(self, url: str, tables: list[str]) -> None:
        write_atomic(self.connection_dir(url) / "pinned.json", json.dumps(sorted(set(tables))))
