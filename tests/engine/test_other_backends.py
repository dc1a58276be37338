"""MySQL/MariaDB and DuckDB for real: reflect keys and comments, answer read-only, refuse writes."""

import sys

import pytest

from engine.catalog.reflect import reflect_catalog
from engine.execute.connect import ConnectionProblem, check_connection
from engine.execute.runner import Database
from engine.importer import run_import
from engine.pipeline import ask
from engine.session import open_session
from tests.engine.test_pipeline import ScriptedModel

SHOP = [
    "CREATE TABLE artist (id INT PRIMARY KEY, name VARCHAR(100) COMMENT 'Stage name of the performer') COMMENT='Performers'",
    "CREATE TABLE album (id INT PRIMARY KEY, title VARCHAR(200), artist_id INT, FOREIGN KEY (artist_id) REFERENCES artist(id))",
    "INSERT INTO artist VALUES (1, 'Iron Maiden'), (2, 'Caetano Veloso')",
    "INSERT INTO album VALUES (1, 'Powerslave', 1), (2, 'Killers', 1), (3, 'Transa', 2)",
]


@pytest.fixture(scope="module")
def maria_url(mariadb):
    mariadb.sql(";".join(["DROP TABLE IF EXISTS album", "DROP TABLE IF EXISTS artist", *SHOP]), db="sqlsage_test")
    return mariadb.url()


def test_mariadb_reflects_keys_and_comments(maria_url):
    cat = reflect_catalog(maria_url)
    assert {t.name for t in cat.tables} == {"artist", "album"} and cat.dialect == "mysql"
    assert cat.table("album").foreign_keys[0].ref_table == "artist"
    assert cat.table("artist").comment == "Performers"
    assert cat.table("artist").column("name").comment == "Stage name of the performer"
    assert "Iron Maiden" in cat.table("artist").column("name").samples


def test_mariadb_answers_read_only(maria_url, workspace):
    session = open_session(workspace, maria_url)
    res = ask("How many albums per artist?", session, ScriptedModel(
        [" a.name, COUNT(*) FROM album AS b JOIN artist AS a ON b.artist_id = a.id GROUP BY a.name ORDER BY a.name"]))
    assert res.ok and res.rows == [["Caetano Veloso", 1], ["Iron Maiden", 2]]
    with pytest.raises(Exception, match="(?i)read.only"):  # the session itself refuses, whatever the guard says
        Database(maria_url).run("INSERT INTO artist VALUES (3, 'x')")
    assert Database(maria_url).run("SELECT count(*) FROM artist").rows == [[2]]


def test_mariadb_wrong_password_and_missing_driver(mariadb, maria_url, monkeypatch):
    with pytest.raises(ConnectionProblem, match="Wrong user name or password"):
        check_connection(mariadb.url(password="wrong"))
    monkeypatch.setitem(sys.modules, "pymysql", None)  # as if the driver were not installed
    with pytest.raises(ConnectionProblem, match=r"pip install 'pymysql'"):
        check_connection(maria_url)


@pytest.fixture
def duck_url(tmp_path):
    duckdb = pytest.importorskip("duckdb", reason="pip install -e .[duckdb]")
    path = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE artist (id INTEGER PRIMARY KEY, name VARCHAR)")
    con.execute("CREATE TABLE album (id INTEGER PRIMARY KEY, title VARCHAR, artist_id INTEGER REFERENCES artist(id))")
    con.execute("COMMENT ON TABLE artist IS 'Performers'")
    con.execute("COMMENT ON COLUMN artist.name IS 'Stage name of the performer'")
    for stmt in SHOP[2:]:
        con.execute(stmt)
    con.close()
    return f"duckdb:///{path}"


def test_duckdb_reflects_answers_and_refuses_writes(duck_url, workspace):
    s = run_import(workspace, db=duck_url)
    assert s.tables == 2
    session = open_session(workspace, duck_url)
    cat = session.catalog
    assert cat.dialect == "duckdb" and cat.table("album").foreign_keys[0].ref_table == "artist"
    assert cat.table("artist").comment == "Performers" and cat.table("artist").column("name").comment.startswith("Stage name")
    res = ask("How many albums per artist?", session, ScriptedModel(
        [" a.name, COUNT(*) FROM album AS b JOIN artist AS a ON b.artist_id = a.id GROUP BY a.name ORDER BY a.name"]))
    assert res.ok and res.rows == [["Caetano Veloso", 1], ["Iron Maiden", 2]]
    with pytest.raises(Exception, match="(?i)read.only"):
        Database(duck_url).run("INSERT INTO artist VALUES (3, 'x')")
