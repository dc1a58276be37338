"""A ratio of two integers truncates in SQLite: real Chinook data."""

import pytest

from engine.sql.validate import check_sql


def test_a_ratio_of_counts_is_not_truncated_to_zero(chinook):
    catalog, db = chinook
    sql = "SELECT COUNT(*) / (SELECT COUNT(*) FROM Track) FROM Track WHERE GenreId = 1"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="What is the ratio of rock tracks to all tracks?")
    assert out.sql == "SELECT CAST(COUNT(*) AS REAL) / (SELECT COUNT(*) FROM Track) FROM Track WHERE GenreId = 1"
    assert db.run(sql).rows == [[0]]
    assert db.run(out.sql).rows[0][0] == pytest.approx(1297 / 3503)


@pytest.mark.parametrize("sql", [
    "SELECT SUM(UnitPrice) / COUNT(*) FROM Track",  # a NUMERIC column: SQLite divides as reals
    "SELECT CAST(COUNT(*) AS REAL) / COUNT(DISTINCT AlbumId) FROM Track",  # already cast
    "SELECT Milliseconds / 60000 FROM Track",  # a unit conversion by a literal, as asked ("in whole minutes")
    "SELECT Name FROM Track WHERE TrackId / 2 > 10",  # no ratio: still by a literal
])
def test_divisions_that_do_not_truncate_a_ratio_stay(chinook, sql):
    catalog, _ = chinook
    assert check_sql(sql, catalog, row_cap=None, link=True, question="What is the ratio?").sql == sql


def test_mysql_divides_as_floats_already(chinook):
    from dataclasses import replace

    catalog, _ = chinook
    sql = "SELECT COUNT(*) / COUNT(DISTINCT AlbumId) FROM Track"
    assert check_sql(sql, replace(catalog, dialect="mysql"), row_cap=None, link=True).sql == sql
    pg = check_sql(sql, replace(catalog, dialect="postgres"), row_cap=None, link=True)
    assert pg.sql.startswith("SELECT CAST(COUNT(*) AS DOUBLE PRECISION) /")
    assert pg.fixes[0].startswith("COUNT(*) → CAST(COUNT(*) AS DOUBLE PRECISION) ")  # the trace names the cast the database gets
