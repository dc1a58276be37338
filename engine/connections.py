"""Saved connections: names and password-free URLs in the workspace, passwords in the OS keyring.

Where no keyring backend exists (a headless Linux box), nothing is stored: the caller must
ask for the password each time, and `NoKeyring` says why.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from engine.catalog.model import write_atomic
from engine.execute.connect import check_connection, redact_url
from engine.workspace import Workspace

SERVICE = "sqlsage"


class NoKeyring(RuntimeError):
    pass


@dataclass
class SavedConnection:
    name: str
    url: str  # never holds a password
    has_password: bool = False


def _file(ws: Workspace):
    return ws.root / "connections.json"


def list_connections(ws: Workspace) -> list[SavedConnection]:
    p = _file(ws)
    return [SavedConnection(**c) for c in json.loads(p.read_text())] if p.exists() else []


def save_connection(ws: Workspace, name: str, url: str) -> tuple[SavedConnection, str | None]:
    """Save name + password-free URL; returns a warning when the password could not be kept."""
    u = sa.make_url(url)
    password = u.password
    clean = sa.URL.create(u.drivername, u.username, None, u.host, u.port, u.database, u.query).render_as_string(hide_password=False)
    warning = None
    if password:
        try:
            store_password(clean, password)
        except NoKeyring as exc:
            warning = str(exc)
    conn = SavedConnection(name, clean, bool(password))
    others = [c for c in list_connections(ws) if c.name != name]
    write_atomic(_file(ws), json.dumps([asdict(c) for c in others + [conn]], indent=1))
    return conn, warning


def remove_connection(ws: Workspace, name: str) -> None:
    keep = [c for c in list_connections(ws) if c.name != name]
    write_atomic(_file(ws), json.dumps([asdict(c) for c in keep], indent=1))


def store_password(url: str, password: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, redact_url(url), password)
    except (KeyringError, RuntimeError) as exc:
        raise NoKeyring(
            "No OS keyring is available, so the password cannot be stored safely; "
            "sqlsage will ask for it each time you connect."
        ) from exc


def resolve_url(conn: SavedConnection, password: str | None = None) -> str:
    """The full URL for connecting; the password comes from the argument or the keyring."""
    if not conn.has_password:
        return conn.url
    if password is None:
        import keyring
        from keyring.errors import KeyringError

        try:
            password = keyring.get_password(SERVICE, redact_url(conn.url))
        except (KeyringError, RuntimeError) as exc:
            raise NoKeyring("No OS keyring is available: enter the password to connect.") from exc
        if password is None:
            raise NoKeyring("The keyring holds no password for this connection: enter it to connect.")
    return sa.make_url(conn.url).set(password=password).render_as_string(hide_password=False)


def test(conn: SavedConnection, password: str | None = None) -> str:
    return check_connection(resolve_url(conn, password))


# what the GUI's connection form offers: label -> (SQLAlchemy driver, default port or None for files)
KINDS = {
    "SQLite file": ("sqlite", None),
    "DuckDB file": ("duckdb", None),
    "PostgreSQL": ("postgresql+psycopg", 5432),
    "MySQL / MariaDB": ("mysql+pymysql", 3306),
}


def build_url(
    kind: str, *, path: str = "", host: str = "", port: int | None = None,
    database: str = "", user: str = "", password: str = "",
) -> str:
    """A SQLAlchemy URL from the connection form's fields, with what is missing said plainly."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of database {kind!r}; choose one of: {', '.join(KINDS)}")
    driver, default_port = KINDS[kind]
    if default_port is None:
        if not path.strip():
            raise ValueError("Choose the database file.")
        return sa.URL.create(driver, database=str(path).strip()).render_as_string(hide_password=False)
    if not host.strip():
        raise ValueError("Enter the server's host name (localhost for this machine).")
    if not database.strip():
        raise ValueError("Enter the database name.")
    return sa.URL.create(
        driver, username=user.strip() or None, password=password or None, host=host.strip(),
        port=port or default_port, database=database.strip(),
    ).render_as_string(hide_password=False)
