"""A range that keeps every row: on the real Chinook catalog and data."""

from engine.sql.validate import check_sql

TRACKS = "SELECT Name FROM Track WHERE "


def test_two_alternatives_become_the_two_values(chinook):
    catalog, db = chinook
    sql = TRACKS + "GenreId > 3 OR GenreId < 4"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="Which tracks have genre id 3 or 4?")
    assert out.sql == TRACKS + "GenreId = 3 OR GenreId = 4"
    assert out.fixes == ["GenreId > 3 OR GenreId < 4 → GenreId = 3 OR GenreId = 4 (as written it keeps every row)"]
    assert len(db.run(sql, row_cap=None).rows) == 3503 and len(db.run(out.sql, row_cap=None).rows) == 706


def test_two_bounds_become_the_range_between(chinook):
    catalog, db = chinook
    sql = TRACKS + "(Milliseconds < 300000 OR Milliseconds >= 200000) AND AlbumId = 1"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="Tracks of album 1 no shorter than 200000 ms and no longer than 300000 ms?")
    assert out.sql == TRACKS + "(Milliseconds >= 200000 AND Milliseconds < 300000) AND AlbumId = 1"
    assert len(db.run(sql).rows) == 10 and len(db.run(out.sql).rows) == 8


def test_real_alternatives_are_left(chinook):
    catalog, _ = chinook
    for sql in (TRACKS + "Milliseconds < 200000 OR Milliseconds > 300000",  # outside a range: a real filter
                TRACKS + "Milliseconds > 200000 OR Bytes < 300000"):  # two columns
        assert check_sql(sql, catalog, row_cap=None, link=True, question="Very short or very long tracks?").sql == sql
