"""A question asking for names, answered with a key: on the real Chinook catalog and data."""

import pytest

from engine.sql.validate import check_sql


def test_a_foreign_key_answer_shows_the_referenced_name(chinook):
    catalog, db = chinook
    out = check_sql("SELECT T1.ArtistId FROM Album AS T1 JOIN Artist AS T2 ON T1.ArtistId = T2.ArtistId "
                    "WHERE T1.Title = 'Balls to the Wall'", catalog, row_cap=None, link=True,
                    question='Which artist does the album "Balls to the Wall" belong to?')
    assert out.sql.startswith("SELECT T2.Name FROM Album AS T1")
    assert out.fixes == ["T1.ArtistId → T2.Name (the question asks for names, not keys)"]
    assert db.run(out.sql).rows == [["Accept"]]


def test_the_keyed_table_is_joined_and_the_grouping_stays_unambiguous(chinook):
    catalog, db = chinook
    out = check_sql("SELECT ArtistId FROM Album GROUP BY ArtistId ORDER BY COUNT(*) DESC LIMIT 1", catalog,
                    row_cap=None, link=True, question="Which artist has the most albums?")
    assert out.sql == ("SELECT Artist.Name FROM Album JOIN Artist ON Album.ArtistId = Artist.ArtistId "
                       "GROUP BY Album.ArtistId, Artist.Name ORDER BY COUNT(*) DESC LIMIT 1")
    assert db.run(out.sql).rows == [["Iron Maiden"]]


@pytest.mark.parametrize(("sql", "question"), [
    ("SELECT ArtistId FROM Album GROUP BY ArtistId ORDER BY COUNT(*) DESC LIMIT 1", "Which artist id has the most albums?"),
    ("SELECT ArtistId, COUNT(*) FROM Album GROUP BY ArtistId", "Which artists have albums, and how many?"),
    ("SELECT ArtistId FROM Album WHERE Title = 'Balls to the Wall'", "Show the album's artist"),  # no name asked for
    ("SELECT Title FROM Album WHERE AlbumId = 1", "Which album is the first?"),  # not a key
])
def test_left_as_written(chinook, sql, question):
    catalog, _ = chinook
    out = check_sql(sql, catalog, row_cap=None, link=True, question=question)
    assert out.fixes == [] and out.sql == sql


def test_sql_a_person_wrote_is_never_rewritten(chinook):
    catalog, _ = chinook
    sql = "SELECT ArtistId FROM Album GROUP BY ArtistId"
    assert check_sql(sql, catalog, row_cap=None, question="Which artists have albums?").sql == sql
