"""Open databases read-only at the session level, so a guard bug still writes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

DEFAULT_TIMEOUT_S = 10.0


class ConnectionProblem(RuntimeError):
    """A connection failed; the message says what to do about it."""


def redact_url(url: str) -> str:
    """The URL with any password masked, for logs, traces and the workspace."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"


def sqlite_path(url: str) -> Path | None:
    u = sa.make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def open_engine(url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> sa.Engine:
    """An Engine whose every connection is read-only and time-limited."""
    try:
        u = sa.make_url(url)
    except Exception as exc:
        raise ConnectionProblem(
            f"Not a database URL: {url!r}. Use e.g. sqlite:///path/to/file.db or "
            "postgresql+psycopg://user@host/dbname."
        ) from exc
    backend = u.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(u)
    if backend == "postgresql":
        if u.drivername == "postgresql":
            u = u.set(drivername="postgresql+psycopg")
        ms = int(timeout_s * 1000)
        opts = f"-c default_transaction_read_only=on -c statement_timeout={ms}"
        return _create(u, connect_args={"options": opts, "connect_timeout": 5})
    if backend in ("mysql", "mariadb"):
        engine = _create(u, connect_args={"init_command": "SET SESSION TRANSACTION READ ONLY", "connect_timeout": 5})
        sa.event.listen(engine, "connect", lambda dbapi_conn, _rec: _mysql_time_limit(dbapi_conn, timeout_s))
        return engine
    if backend == "duckdb":
        return _create(u, connect_args={"read_only": True})
    return _create(u)


def _mysql_time_limit(dbapi_conn, timeout_s: float) -> None:
    """MySQL limits SELECTs with max_execution_time (ms), MariaDB with max_statement_time (s)."""
    cur = dbapi_conn.cursor()
    try:
        cur.execute("SELECT VERSION()")
        mariadb = "mariadb" in str(cur.fetchone()[0]).lower()
        if mariadb:
            cur.execute(f"SET SESSION max_statement_time = {float(timeout_s):.3f}")
        else:
            cur.execute(f"SET SESSION max_execution_time = {int(timeout_s * 1000)}")
    finally:
        cur.close()


def _create(u: sa.URL, **kw) -> sa.Engine:
    try:
        return sa.create_engine(u, **kw)
    except ImportError as exc:  # the driver package is missing (or broken)
        pkg = {
            "postgresql": "psycopg[binary]",
            "mysql": "pymysql",
            "mariadb": "pymysql",
            "duckdb": "duckdb-engine",
        }.get(u.get_backend_name(), exc.name or u.drivername)
        raise ConnectionProblem(
            f"The driver for {u.get_backend_name()} is not installed ({exc.name}). "
            f"Install it with: .venv/bin/pip install '{pkg}'"
        ) from exc


def _sqlite_engine(u: sa.URL) -> sa.Engine:
    if not u.database or u.database == ":memory:":
        raise ConnectionProblem("An in-memory SQLite database has nothing to query; give a file path.")
    path = Path(u.database).expanduser().resolve()
    if not path.is_file():
        raise ConnectionProblem(f"SQLite file not found: {path}. Check the path in the database URL.")

    def creator() -> sqlite3.Connection:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("PRAGMA query_only=ON")
        return conn

    return sa.create_engine("sqlite://", creator=creator, poolclass=sa.pool.NullPool)


def check_connection(url: str) -> str:
    """Connect once and say so; raises ConnectionProblem with advice on failure."""
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1").fetchall()
    except ConnectionProblem:
        raise
    except Exception as exc:
        raise ConnectionProblem(explain_db_error(exc, url)) from exc
    finally:
        engine.dispose()
    return f"Connected to {redact_url(url)}"


def explain_db_error(exc: BaseException, url: str) -> str:
    text = str(getattr(exc, "orig", exc)) or type(exc).__name__
    low = text.lower()
    where = redact_url(url)
    if "password authentication failed" in low or "access denied" in low:
        return f"Wrong user name or password for {where}. Check the credentials."
    if "could not connect" in low or "connection refused" in low or "timeout expired" in low:
        return f"Cannot reach the database server for {where}: is it running and is the host/port right?"
    if "does not exist" in low and "database" in low:
        return f"The database in {where} does not exist on that server."
    return text.splitlines()[0][:500]
