"""A GROUP BY with nothing to aggregate, which only hides rows: real Chinook data."""

import pytest

from engine.sql.aggregateless_group import drop_aggregateless_group
from engine.sql.validate import check_sql
from tests.engine.conftest import unchanged

JOINED = "SELECT T2.Name, T1.Title FROM Album AS T1 JOIN Track AS T2 ON T1.AlbumId = T2.AlbumId"


def test_a_group_without_aggregates_goes(chinook):
    catalog, db = chinook
    sql = JOINED + " GROUP BY T1.Title"
    assert len(db.run(sql).rows) == 347  # one arbitrary track per album
    out = check_sql(sql, catalog, row_cap=None, link=True, question="List each track's name with the title of its album.")
    assert out.sql == JOINED and len(db.run(out.sql, row_cap=None).rows) == 3503
    assert out.fixes == ["GROUP BY T1.Title dropped (nothing is aggregated, so it only hid rows)"]


def test_different_values_become_distinct(chinook):
    catalog, _ = chinook
    out = check_sql("SELECT Composer, Name FROM Track GROUP BY Composer", catalog, row_cap=None, link=True,
                    question="What are the different composers and track names?")
    assert out.sql == "SELECT DISTINCT Composer, Name FROM Track"


def test_every_row_asked_for_is_not_a_distinct(chinook):
    """Grouped by every shown column, the answer is a DISTINCT; "each" / "all" asks for every row
    (Spider train: 778 such questions' gold keeps every row, 69 use DISTINCT)."""
    catalog, db = chinook
    sql = "SELECT Composer FROM Track GROUP BY Composer"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="What is the composer of each track?")
    assert out.sql == "SELECT Composer FROM Track" and len(db.run(out.sql, row_cap=None).rows) == 3503
    assert out.fixes == ["GROUP BY Composer dropped (the question asks for every row, not the different values)"]
    for kept in ("What are the different composers of all tracks?", "Who are the composers?"):
        assert check_sql(sql, catalog, row_cap=None, link=True, question=kept).sql == sql


@pytest.mark.parametrize("sql", [
    "SELECT Composer FROM Track GROUP BY Composer",  # grouped by every shown column: a DISTINCT already
    "SELECT GenreId, Name FROM Track GROUP BY GenreId ORDER BY COUNT(*) DESC LIMIT 1",  # aggregates in ORDER BY
    "SELECT GenreId, Name FROM Track GROUP BY GenreId HAVING COUNT(*) > 3",
    # one row per album however many tracks joined: the title follows from the key
    "SELECT T1.Title, T1.AlbumId FROM Album AS T1 JOIN Track AS T2 ON T1.AlbumId = T2.AlbumId WHERE T2.UnitPrice > 1 GROUP BY T1.AlbumId",
])
def test_groups_left_as_written(chinook, sql):
    catalog, _ = chinook
    assert unchanged(drop_aggregateless_group, sql, catalog, "List them.")
