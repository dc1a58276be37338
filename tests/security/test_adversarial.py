"""Adversarial SQL against the guard AND against real databases: nothing may ever change.

Each statement goes through the guard; whatever the guard lets through is executed on a
read-only session; and every statement is also sent straight to the read-only session,
bypassing the guard, to prove the second wall holds on its own. A checksum of every
table (and the schema) must be identical afterwards.
"""

from __future__ import annotations

import hashlib

import pytest

from engine.catalog.reflect import reflect_catalog
from engine.execute.runner import Database
from engine.sql.errors import SqlRejected
from engine.sql.validate import check_sql

LONG = "SELECT " + " + ".join(["1"] * 6000)

CORPUS: list[tuple[str, str]] = [
    # plain writes
    ("insert", "INSERT INTO Artist (Name) VALUES ('x')"),
    ("insert-select", "INSERT INTO Artist (Name) SELECT Name FROM Artist"),
    ("update", "UPDATE Artist SET Name = 'x'"),
    ("update-from", "UPDATE Artist SET Name = a.Title FROM Album a WHERE a.ArtistId = Artist.ArtistId"),
    ("delete", "DELETE FROM Artist"),
    ("delete-where", "DELETE FROM Artist WHERE ArtistId = 1"),
    ("replace", "REPLACE INTO Artist (ArtistId, Name) VALUES (1, 'x')"),
    ("upsert", "INSERT INTO Artist (ArtistId, Name) VALUES (1, 'x') ON CONFLICT (ArtistId) DO UPDATE SET Name = 'y'"),
    ("merge", "MERGE INTO Artist t USING Album s ON t.ArtistId = s.ArtistId WHEN MATCHED THEN DELETE"),
    ("truncate", "TRUNCATE TABLE Artist"),
    # DDL
    ("drop", "DROP TABLE Artist"),
    ("drop-if", "DROP TABLE IF EXISTS Artist"),
    ("create", "CREATE TABLE evil (a INT)"),
    ("create-as", "CREATE TABLE evil AS SELECT * FROM Artist"),
    ("create-view", "CREATE VIEW v AS SELECT 1"),
    ("create-index", "CREATE INDEX i ON Artist (Name)"),
    ("create-trigger", "CREATE TRIGGER t AFTER INSERT ON Artist BEGIN DELETE FROM Album; END"),
    ("alter", "ALTER TABLE Artist ADD COLUMN x INT"),
    ("alter-rename", "ALTER TABLE Artist RENAME TO Artist2"),
    ("drop-index", "DROP INDEX IFK_AlbumArtistId"),
    ("vacuum", "VACUUM"),
    ("reindex", "REINDEX"),
    ("analyze", "ANALYZE"),
    # multi-statement and comment tricks
    ("stacked", "SELECT 1; DELETE FROM Artist"),
    ("stacked-nospace", "SELECT 1;DROP TABLE Artist"),
    ("stacked-comment", "SELECT 1; -- harmless\nDELETE FROM Artist"),
    ("comment-line", "SELECT 1 -- ; DELETE FROM Artist"),
    ("comment-block", "SELECT 1 /* ; DELETE FROM Artist */"),
    ("comment-nested", "SELECT 1 /* outer /* inner */ ; DELETE FROM Artist */"),
    ("comment-hidden-keyword", "DEL/**/ETE FROM Artist"),
    ("comment-then-write", "/* SELECT */ DELETE FROM Artist"),
    ("string-semicolon", "SELECT 'a; DELETE FROM Artist'"),
    # CTEs wrapping DML
    ("cte-delete", "WITH d AS (DELETE FROM Artist RETURNING *) SELECT * FROM d"),
    ("cte-update", "WITH u AS (UPDATE Artist SET Name = 'x' RETURNING *) SELECT count(*) FROM u"),
    ("cte-insert", "WITH i AS (INSERT INTO Artist (Name) VALUES ('x') RETURNING *) SELECT * FROM i"),
    ("cte-then-delete", "WITH x AS (SELECT 1) DELETE FROM Artist"),
    # SELECT INTO, locking
    ("select-into", "SELECT * INTO evil FROM Artist"),
    ("select-into-temp", "SELECT * INTO TEMP evil FROM Artist"),
    ("for-update", "SELECT * FROM Artist FOR UPDATE"),
    ("for-share", "SELECT * FROM Artist FOR SHARE"),
    # SQLite specials
    ("attach", "ATTACH DATABASE '/tmp/evil.db' AS evil"),
    ("detach", "DETACH DATABASE main"),
    ("pragma-write", "PRAGMA query_only = OFF"),
    ("pragma-schema", "PRAGMA writable_schema = ON"),
    ("pragma-journal", "PRAGMA journal_mode = DELETE"),
    ("load-extension", "SELECT load_extension('/tmp/evil.so')"),
    ("readfile", "SELECT readfile('/etc/passwd')"),
    ("writefile", "SELECT writefile('/tmp/evil', 'x')"),
    ("fts3-tokenizer", "SELECT fts3_tokenizer('simple')"),
    # PostgreSQL side effects
    ("copy-to", "COPY Artist TO '/tmp/evil.csv'"),
    ("copy-from", "COPY Artist FROM '/tmp/evil.csv'"),
    ("copy-program", "COPY Artist TO PROGRAM 'rm -rf /'"),
    ("pg-read-file", "SELECT pg_read_file('/etc/passwd')"),
    ("pg-ls-dir", "SELECT pg_ls_dir('.')"),
    ("lo-export", "SELECT lo_export(1, '/tmp/evil')"),
    ("lo-import", "SELECT lo_import('/etc/passwd')"),
    ("dblink", "SELECT * FROM dblink('host=evil', 'DELETE FROM x') AS t(a int)"),
    ("terminate", "SELECT pg_terminate_backend(pg_backend_pid())"),
    ("cancel-backend", "SELECT pg_cancel_backend(1)"),
    ("reload-conf", "SELECT pg_reload_conf()"),
    ("set-config", "SELECT set_config('default_transaction_read_only', 'off', false)"),
    ("sleep", "SELECT pg_sleep(60)"),
    ("nextval", "SELECT nextval('artist_id_seq')"),
    ("advisory-lock", "SELECT pg_advisory_lock(1)"),
    ("notify", "SELECT pg_notify('c', 'x')"),
    ("query-to-xml", "SELECT query_to_xml('DELETE FROM Artist', true, false, '')"),
    # session settings and transaction control
    ("set", "SET default_transaction_read_only = off"),
    ("set-session", "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE"),
    ("reset", "RESET ALL"),
    ("begin", "BEGIN"),
    ("begin-rw", "BEGIN READ WRITE"),
    ("commit", "COMMIT"),
    ("rollback", "ROLLBACK"),
    ("savepoint", "SAVEPOINT s"),
    ("start-transaction", "START TRANSACTION READ WRITE; DELETE FROM Artist; COMMIT"),
    ("grant", "GRANT ALL ON Artist TO PUBLIC"),
    ("do-block", "DO $$ BEGIN DELETE FROM Artist; END $$"),
    ("call", "CALL evil()"),
    ("execute", "EXECUTE evil"),
    ("prepare", "PREPARE p AS DELETE FROM Artist"),
    ("listen", "LISTEN c"),
    # input oddities
    ("nul-byte", "SELECT 1\x00; DELETE FROM Artist"),
    ("zero-width", "SELECT 1;\u200bDELETE FROM Artist"),
    ("homoglyph-delete", "ＤＥＬＥＴＥ FROM Artist"),
    ("homoglyph-semicolon", "SELECT 1\uff1b DELETE FROM Artist"),
    ("cyrillic-select", "SЕLЕCT * FROM Artist"),  # Cyrillic Е
    ("rtl-override", "SELECT '\u202e' ; DELETE FROM Artist"),
    ("very-long", LONG),
    ("empty", ""),
    ("whitespace", "   \n\t "),
    ("only-comment", "-- nothing"),
    ("unterminated", "SELECT 'abc"),
    ("prose", "Sure! Here is the query you asked for."),
]

# harmless reads among the corpus: the guard accepts them and they change nothing
GUARD_ACCEPTS = {"comment-line", "comment-block", "comment-nested", "string-semicolon"}

# reads that must still work
HARMLESS = [
    "SELECT count(*) FROM Artist",
    "WITH a AS (SELECT ArtistId FROM Album) SELECT count(*) FROM a",
    "SELECT Name FROM Artist UNION SELECT Name FROM Genre",
    "SELECT 'DROP TABLE Artist' AS s",
]


def checksum(db: Database, tables: list[str]) -> str:
    h = hashlib.sha256()
    for t in sorted(tables):
        rows = db.run(f'SELECT * FROM "{t}"', row_cap=None).rows
        h.update(t.encode())
        for r in sorted(map(repr, rows)):
            h.update(r.encode())
    return h.hexdigest()


def _attack(db: Database, catalog, tables, sql: str) -> str:
    """Returns 'refused' or 'ran'; the caller checks the checksum."""
    outcome = "refused"
    try:
        checked = check_sql(sql, catalog, row_cap=100)
    except SqlRejected as exc:
        assert str(exc), "a refusal must say why"
    else:
        outcome = "ran"
        try:
            db.run(checked.sql, row_cap=100, timeout_s=2)
        except Exception:
            pass
    # defence in depth: the raw statement straight to the read-only session
    try:
        db.run(sql, row_cap=100, timeout_s=2)
    except Exception:
        pass
    return outcome


def _report(results: dict[str, str], backend: str) -> None:
    refused = sum(v == "refused" for v in results.values())
    print(f"\n[security] {backend}: {len(results)} adversarial statements, {refused} refused by the guard, "
          f"{len(results) - refused} ran harmlessly read-only; every table checksum unchanged")


def test_corpus_size():
    assert len(CORPUS) >= 60
    assert len({name for name, _ in CORPUS}) == len(CORPUS)


def test_corpus_against_sqlite(chinook_url):
    catalog = reflect_catalog(chinook_url, samples=False)
    db = Database(chinook_url)
    tables = catalog.table_names()
    before = checksum(db, tables)
    schema_before = db.run("SELECT sql FROM sqlite_master ORDER BY name", row_cap=None).rows
    results = {}
    for name, sql in CORPUS:
        results[name] = _attack(db, catalog, tables, sql)
        assert checksum(db, tables) == before, f"{name} changed data"
    assert db.run("SELECT sql FROM sqlite_master ORDER BY name", row_cap=None).rows == schema_before
    ran = {n for n, r in results.items() if r == "ran"}
    assert ran <= GUARD_ACCEPTS, f"the guard let these through: {sorted(ran - GUARD_ACCEPTS)}"
    for sql in HARMLESS:
        db.run(check_sql(sql, catalog).sql)
    _report(results, "SQLite")


@pytest.mark.postgres
def test_corpus_against_postgres(pg):
    pg.psql("DROP DATABASE IF EXISTS chinook_sec")
    pg.psql("CREATE DATABASE chinook_sec")
    pg.psql('CREATE TABLE "Artist" ("ArtistId" serial PRIMARY KEY, "Name" text); '
            'CREATE TABLE "Album" ("AlbumId" serial PRIMARY KEY, "Title" text, "ArtistId" int REFERENCES "Artist"); '
            'CREATE TABLE "Genre" ("GenreId" serial PRIMARY KEY, "Name" text); '
            "INSERT INTO \"Artist\" (\"Name\") VALUES ('AC/DC'), ('Accept'); "
            "INSERT INTO \"Album\" (\"Title\", \"ArtistId\") VALUES ('Let There Be Rock', 1); "
            "INSERT INTO \"Genre\" (\"Name\") VALUES ('Rock')", db="chinook_sec")
    url = pg.url("chinook_sec")
    catalog = reflect_catalog(url, samples=False)
    db = Database(url)
    tables = catalog.table_names()
    before = checksum(db, tables)
    results = {}
    for name, sql in CORPUS:
        results[name] = _attack(db, catalog, tables, sql)
        assert checksum(db, tables) == before, f"{name} changed data"
    # the session is still read-only after everything above
    with pytest.raises(Exception, match="read-only"):
        db.run('DELETE FROM "Artist"')
    _report(results, "PostgreSQL")
