import sqlite3

import pytest
import sqlalchemy as sa

from engine.execute.connect import ConnectionProblem, check_connection, redact_url
from engine.execute.runner import Database, QueryCancelled, QueryTimeout

CARTESIAN = "SELECT count(*) FROM Track a, Track b, Track c"


def test_rows_and_row_cap(chinook_url):
    db = Database(chinook_url)
    res = db.run("SELECT Name FROM Track ORDER BY TrackId", row_cap=10)
    assert res.columns == ["Name"] and len(res.rows) == 10 and res.truncated


def test_runaway_query_stops_at_timeout_with_a_clear_error(chinook_url):
    db = Database(chinook_url)
    with pytest.raises(QueryTimeout, match="longer than 0.5 s"):
        db.run(CARTESIAN, timeout_s=0.5)
    # the handle is still usable afterwards
    assert db.run("SELECT 1").rows == [[1]]


def test_session_is_read_only_even_without_the_guard(chinook_url):
    db = Database(chinook_url)
    before = db.run("SELECT count(*) FROM Artist").rows
    with pytest.raises(sa.exc.OperationalError, match="readonly|read-only|query_only"):
        db.run("DELETE FROM Artist")
    assert db.run("SELECT count(*) FROM Artist").rows == before


def test_missing_file_says_so(tmp_path):
    with pytest.raises(ConnectionProblem, match="not found"):
        Database(f"sqlite:///{tmp_path / 'nope.db'}")


def test_bad_url_and_missing_driver():
    with pytest.raises(ConnectionProblem, match="Not a database URL"):
        Database("not a url")
    with pytest.raises(ConnectionProblem, match="pip install"):
        check_connection("mysql+mysqldb://u@127.0.0.1/x")


def test_password_is_redacted():
    assert "secret" not in redact_url("postgresql://bob:secret@host/db")


def test_database_deleted_while_open(tmp_path):
    path = tmp_path / "gone.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a INT)")
    con.commit()
    con.close()
    db = Database(f"sqlite:///{path}")
    path.unlink()
    with pytest.raises((ConnectionProblem, sa.exc.DBAPIError)):
        db.run("SELECT * FROM t")


def test_a_cancel_pressed_before_the_query_starts_still_stops_it(chinook_url):
    # the GUI's Cancel can come while the ask is still generating or checking its SQL
    db = Database(chinook_url)
    db.cancel()
    with pytest.raises(QueryCancelled):
        db.run("SELECT count(*) FROM Track a, Track b, Track c", timeout_s=20)
    db.begin()  # the next ask starts clean
    assert db.run("SELECT count(*) FROM Album").rows == [[347]]
