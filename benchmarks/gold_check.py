"""Score SQL against a dataset item's gold without the model: the replay and oracle scripts share it.

The SQL goes through `check_sql` exactly as `ask` checks model output (linking, the question, the
connection's value index), is run, and is compared with the gold under the set's rules, as `eval` does.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import SETS  # noqa: E402
from engine.eval.compare import defog_match, spider_match  # noqa: E402
from engine.eval.datasets import EvalItem, load_dataset  # noqa: E402
from engine.eval.harness import PRED_TIMEOUT_S, db_resolver, matches_gold, run_golds  # noqa: E402
from engine.session import Session, open_session  # noqa: E402
from engine.sql.errors import SqlRejected  # noqa: E402
from engine.sql.validate import check_sql  # noqa: E402
from engine.workspace import Workspace  # noqa: E402


def set_args(name: str) -> dict:
    """`SETS[name]` as a dict: '--dataset' → file, '--db' or '--db-dir' → where its databases are."""
    args = SETS[name]
    return dict(zip(args[::2], args[1::2], strict=True))


@dataclass
class Scored:
    sql: str  # after check_sql's rewrites (the answer as given when it was refused)
    correct: bool
    rows: list | None = None  # None: refused or failed to run
    error: str | None = None
    fixes: list[str] = field(default_factory=list)


class GoldChecker:
    """One set's items, databases (a session per database, opened once) and gold results."""

    def __init__(self, set_name: str, workspace: Path):
        spec = set_args(set_name)
        self.items: dict[int, EvalItem] = {it.index: it for it in load_dataset(Path(spec["--dataset"]))}
        self.ws = Workspace(workspace)
        self.resolve = db_resolver(spec.get("--db"), Path(spec["--db-dir"]) if "--db-dir" in spec else None, self.ws)
        self.match = defog_match if spec["--dataset"].endswith(".csv") else spider_match
        self._sessions: dict[str, Session] = {}
        self._golds: dict[int, list] = {}

    def session(self, it: EvalItem) -> Session:
        url = self.resolve(it.db_id)
        if url not in self._sessions:
            self._sessions[url] = open_session(self.ws, url)
        return self._sessions[url]

    def score(self, sql: str, it: EvalItem) -> Scored:
        s = self.session(it)
        if it.index not in self._golds:
            self._golds[it.index] = run_golds(s.db, it) or []
        try:
            checked = check_sql(sql, s.catalog, row_cap=None, link=True, question=it.question, values=s.value_index())
        except SqlRejected as exc:
            return Scored(sql, False, error=str(exc))
        try:
            rows = s.db.run(checked.sql, row_cap=None, timeout_s=PRED_TIMEOUT_S).rows
        except Exception as exc:  # noqa: BLE001 - a database error is a wrong answer, as in eval
            return Scored(checked.sql, False, error=str(exc).splitlines()[0][:200], fixes=checked.fixes)
        correct = bool(matches_gold(self._golds[it.index], rows, self.match, s.catalog.dialect, it))
        return Scored(checked.sql, correct, rows, fixes=checked.fixes)

    def close(self) -> None:
        for s in self._sessions.values():
            s.db.close()
        self._sessions.clear()
