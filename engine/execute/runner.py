"""Run one checked SELECT read-only, with a time limit and a row cap."""

from __future__ import annotations

import datetime as dt
import decimal
import sqlite3
import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from engine.execute.connect import DEFAULT_TIMEOUT_S, ConnectionProblem, explain_db_error, open_engine

DEFAULT_ROW_CAP = 1000


class QueryTimeout(RuntimeError):
    pass


class QueryCancelled(RuntimeError):
    pass


@dataclass
class ExecResult:
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0


class Database:
    """One read-only database handle; reuses its engine across queries."""

    def __init__(self, url: str, timeout_s: float = DEFAULT_TIMEOUT_S):
        self.url = url
        self.timeout_s = timeout_s
        self.engine = open_engine(url, timeout_s=timeout_s)
        self.backend = self.engine.dialect.name
        self._cancel = threading.Event()
        self._active_dbapi = None

    def cancel(self) -> None:
        """Stop the running query from another thread (the GUI's Cancel button)."""
        self._cancel.set()
        conn = self._active_dbapi
        if conn is not None and hasattr(conn, "cancel"):
            try:
                conn.cancel()
            except Exception:
                pass

    def begin(self) -> None:
        """A new user action (an ask, a run of edited SQL): forget a Cancel meant for the previous one.

        `run` does not clear it: a Cancel pressed while an ask was still generating or checking
        (before its query started) must stop that query, not be forgotten when it starts."""
        self._cancel.clear()

    def run(self, sql: str, row_cap: int | None = DEFAULT_ROW_CAP, timeout_s: float | None = None) -> ExecResult:
        timeout = timeout_s or self.timeout_s
        start = time.perf_counter()
        try:
            with self.engine.connect() as conn:
                raw = conn.connection.driver_connection
                self._active_dbapi = raw
                if isinstance(raw, sqlite3.Connection):
                    deadline = start + timeout

                    def _tick() -> int:
                        return 1 if (time.perf_counter() > deadline or self._cancel.is_set()) else 0

                    raw.set_progress_handler(_tick, 1000)
                elif self.backend == "postgresql" and timeout_s:
                    conn.exec_driver_sql(f"SET statement_timeout = {int(timeout * 1000)}")
                try:
                    if self.engine.dialect.paramstyle in ("format", "pyformat"):
                        sql = sql.replace("%", "%%")  # no parameters: a LIKE '%x%' is literal text
                    cur = conn.exec_driver_sql(sql)
                    columns = list(cur.keys()) if cur.returns_rows else []
                    if row_cap is None:
                        rows = cur.fetchall() if cur.returns_rows else []
                        truncated = False
                    else:
                        rows = cur.fetchmany(row_cap + 1) if cur.returns_rows else []
                        truncated = len(rows) > row_cap
                        rows = rows[:row_cap]
                    cur.close()
                finally:
                    if isinstance(raw, sqlite3.Connection):
                        raw.set_progress_handler(None, 0)
                    conn.rollback()
        except ConnectionProblem:
            raise
        except sa.exc.DBAPIError as exc:
            msg = str(exc.orig).lower()
            if self._cancel.is_set():
                raise QueryCancelled("The query was cancelled.") from exc
            if "interrupted" in msg or "statement timeout" in msg or "canceling statement" in msg:
                raise QueryTimeout(
                    f"The query ran longer than {timeout:g} s and was stopped. "
                    "Narrow it with a filter or a LIMIT."
                ) from exc
            if isinstance(exc, sa.exc.OperationalError) and _is_connect_error(msg):
                raise ConnectionProblem(explain_db_error(exc, self.url)) from exc
            raise
        finally:
            self._active_dbapi = None
        return ExecResult(
            columns=columns,
            rows=[[_plain(v) for v in r] for r in rows],
            truncated=truncated,
            seconds=time.perf_counter() - start,
        )

    def close(self) -> None:
        self.engine.dispose()


def _is_connect_error(msg: str) -> bool:
    return any(k in msg for k in ("could not connect", "connection refused", "unable to open database"))


def _plain(v: object) -> object:
    """JSON-friendly cell values."""
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray, memoryview)):
        return f"<{len(bytes(v))} bytes>"
    return v
