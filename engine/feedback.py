"""Saved question→SQL pairs (👍 / corrected 👎): the examples memory and the fine-tuning data.

A pair is saved only when its SQL passes the guard and executes, so wrong pairs never
poison retrieval or training.
"""

from __future__ import annotations

import json
import time

from engine.catalog.model import write_atomic
from engine.execute.runner import ExecResult
from engine.session import Session, build_index
from engine.sql.validate import check_sql

EXAMPLES = "examples.jsonl"


def run_sql(session: Session, sql: str, row_cap: int | None = 1000, timeout_s: float | None = None) -> tuple[str, ExecResult]:
    """Run user-edited SQL through the same guard and read-only execution as model SQL."""
    session.db.begin()
    checked = check_sql(sql, session.catalog, row_cap=row_cap)
    return checked.sql, session.db.run(checked.sql, row_cap=row_cap, timeout_s=timeout_s)


def save_example(session: Session, question: str, sql: str, source: str = "thumbs-up") -> dict:
    """Validate + execute, then persist and re-index. Raises SqlRejected / DB errors otherwise."""
    if not question.strip():
        raise ValueError("A saved example needs the question text.")
    checked = check_sql(sql, session.catalog, row_cap=None)
    session.db.run(checked.sql, row_cap=1)
    record = {"question": question.strip(), "sql": checked.sql, "source": source, "saved": time.strftime("%Y-%m-%d %H:%M:%S")}
    rows = [r for r in list_examples(session) if r["question"] != record["question"]] + [record]
    _write(session, rows)
    return record


def list_examples(session: Session) -> list[dict]:
    return session.workspace.read_jsonl(session.url, EXAMPLES)


def delete_example(session: Session, question: str) -> None:
    _write(session, [r for r in list_examples(session) if r["question"] != question])


def _write(session: Session, rows: list[dict]) -> None:
    path = session.workspace.connection_dir(session.url) / EXAMPLES
    write_atomic(path, "".join(json.dumps(r) + "\n" for r in rows))
    session.index = build_index(session.workspace, session.url, session.catalog)
