"""A single count answered per group loses its GROUP BY: real Chinook data."""

import pytest

from engine.sql.unasked_group import drop_unasked_group
from engine.sql.validate import check_sql
from tests.engine.conftest import unchanged


def test_a_lone_count_is_one_number(chinook):
    catalog, db = chinook
    sql = "SELECT COUNT(*) FROM Track WHERE Milliseconds > 300000 GROUP BY GenreId"
    assert len(db.run(sql).rows) > 1  # one count per genre: not what was asked
    out = check_sql(sql, catalog, row_cap=None, link=True, question="How many tracks last more than 300000 milliseconds?")
    assert out.sql == "SELECT COUNT(*) FROM Track WHERE Milliseconds > 300000"
    assert out.fixes == ["GROUP BY GenreId dropped (the question asks for one count, not one per group)"]
    assert db.run(out.sql).rows == [[sum(r[0] for r in db.run(sql).rows)]]


@pytest.mark.parametrize(("sql", "question"), [
    ("SELECT COUNT(*) FROM Track GROUP BY GenreId", "How many tracks are there in each genre?"),  # per group
    ("SELECT COUNT(*) FROM Track GROUP BY GenreId", "What is the number of tracks by genre?"),
    ("SELECT COUNT(*) FROM Track GROUP BY GenreId ORDER BY COUNT(*) DESC LIMIT 1", "How many tracks has the biggest genre?"),
    ("SELECT GenreId, COUNT(*) FROM Track GROUP BY GenreId", "How many tracks are there?"),  # the group is shown
    ("SELECT COUNT(*) FROM Track GROUP BY GenreId HAVING COUNT(*) > 10", "How many tracks are there?"),
    ("SELECT MAX(Milliseconds) FROM Track GROUP BY GenreId", "What is the longest track?"),  # not a count question
])
def test_groups_left_as_written(chinook, sql, question):
    catalog, _ = chinook
    assert unchanged(drop_unasked_group, sql, catalog, question)
