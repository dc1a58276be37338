"""Property: whatever the guard calls safe, the read-only session runs without any write."""

from __future__ import annotations

import shutil

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.catalog.reflect import reflect_catalog
from engine.execute.runner import Database, QueryTimeout
from engine.sql.errors import SqlRejected
from engine.sql.validate import check_sql
from tests.conftest import CHINOOK
from tests.security.test_adversarial import checksum

HEADS = ["SELECT", "WITH x AS (SELECT 1 AS a)", "INSERT INTO Artist (Name)", "UPDATE Artist SET Name = 'x'", "DELETE FROM",
         "DROP TABLE", "PRAGMA", "ATTACH", "CREATE TABLE t AS", "REPLACE INTO Artist", "VACUUM", "BEGIN;", "SELECT * INTO t FROM"]
TABLES = ["Artist", "Album", "Track", "Genre", "sqlite_master", "x"]
EXPRS = ["1", "*", "count(*)", "Name", "ArtistId", "load_extension('x')", "readfile('/etc/passwd')", "random()", "'a;b'", "NULL"]
TAILS = ["", ";", "; DELETE FROM Artist", " -- ; DROP TABLE Artist", " /* ; */", " WHERE 1 = 1", " LIMIT 3", " RETURNING *", " UNION SELECT 1"]


@st.composite
def statements(draw):
    return " ".join([draw(st.sampled_from(HEADS)), draw(st.sampled_from(EXPRS)), "FROM", draw(st.sampled_from(TABLES))]) + draw(st.sampled_from(TAILS))


def test_guard_safe_implies_no_write(tmp_path_factory):
    path = tmp_path_factory.mktemp("prop") / "chinook.sqlite"
    shutil.copy(CHINOOK, path)
    url = f"sqlite:///{path}"
    catalog = reflect_catalog(url, samples=False)
    db = Database(url)
    tables = ["Artist", "Album", "Genre"]
    before = checksum(db, tables)
    accepted = []

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(statements())
    def prop(sql):
        try:
            checked = check_sql(sql, catalog, row_cap=5)
        except SqlRejected:
            return
        accepted.append(sql)
        try:
            db.run(checked.sql, row_cap=5, timeout_s=2)
        except QueryTimeout:
            pass
        except sa.exc.DBAPIError as exc:
            assert "readonly" not in str(exc).lower() and "read-only" not in str(exc).lower(), f"guard passed a write: {sql}"
        assert checksum(db, tables) == before

    prop()
    assert accepted, "the generator never produced a statement the guard accepts"
    print(f"\n[security] property test: {len(accepted)} generated statements accepted by the guard, none wrote")
