""""The name of the genre …" answered with another table's name: on the real Chinook catalog and data."""

import pytest

from engine.sql.asked_name import asked_table
from engine.sql.validate import check_sql


def test_the_asked_tables_name_is_shown_grouped_and_joined(chinook):
    catalog, db = chinook
    sql = "SELECT name FROM track GROUP BY name ORDER BY COUNT(*) DESC LIMIT 1"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="What is the name of the most common genre in all tracks?")
    assert out.sql == ("SELECT Genre.Name FROM track JOIN Genre ON track.GenreId = Genre.GenreId "
                       "GROUP BY Genre.Name ORDER BY COUNT(*) DESC LIMIT 1")
    assert db.run(out.sql).rows == [["Rock"]]


def test_with_the_direction_rule_after_it(chinook):
    catalog, db = chinook
    out = check_sql("SELECT name FROM track GROUP BY name ORDER BY COUNT(*) DESC LIMIT 1", catalog, row_cap=None, link=True,
                    question="What is the name of the media type that is least common across all tracks?")
    assert db.run(out.sql).rows == [["Purchased AAC audio file"]]
    assert len(out.fixes) == 2


@pytest.mark.parametrize(("question", "table"), [
    ("What is the name of the most common genre in all tracks?", "Genre"),
    ("Which media type is least common?", "MediaType"),
    ("What are the names of all the artists?", "Artist"),
    ("How many tracks are there?", None),
])
def test_asked_table(chinook, question, table):
    found = asked_table(question, chinook[0])
    assert (found.name if found else None) == table


@pytest.mark.parametrize(("sql", "question"), [
    ("SELECT Name FROM Genre GROUP BY Name ORDER BY COUNT(*) DESC LIMIT 1", "What is the name of the most common genre?"),  # right table
    ("SELECT Name, Composer FROM Track", "What is the name of the genre?"),  # two plain columns
    ("SELECT Name FROM Track", "What is the name of the playlist with most tracks?"),  # Track holds no key to Playlist
])
def test_left_as_written(chinook, sql, question):
    catalog, _ = chinook
    out = check_sql(sql, catalog, row_cap=None, link=True, question=question)
    assert not any("asks for the name of" in f for f in out.fixes)
