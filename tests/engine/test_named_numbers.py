"""Numbers and superlatives the question ties to a column the answer missed: real Chinook data.

numbered_column: `col op N` repointed at the column the question names beside N;
ranked_column: `GROUP BY … ORDER BY COUNT(*) LIMIT 1` for "the highest <column>" sorts by that column.
"""

import pytest

from engine.sql.numbered_column import repoint_numbered_columns
from engine.sql.ranked_column import rank_by_named_column
from engine.sql.validate import check_sql
from tests.engine.conftest import unchanged


def test_a_number_is_compared_with_the_column_named_beside_it(chinook):
    catalog, db = chinook
    question = "How many tracks last more than 300000 milliseconds?"
    out = check_sql("SELECT COUNT(*) FROM Track WHERE Bytes > 300000", catalog, row_cap=None, link=True, question=question)
    assert out.sql == "SELECT COUNT(*) FROM Track WHERE Milliseconds > 300000"
    assert out.fixes == ["Bytes > 300000 → Milliseconds > 300000 (the question gives 300000 with Milliseconds)"]
    assert db.run(out.sql).rows == db.run("SELECT COUNT(*) FROM Track WHERE Milliseconds > 300000").rows != [[3503]]


def test_the_column_named_before_the_number_past_comparison_words(chinook):
    catalog, _ = chinook
    sql = "SELECT T1.BillingCity FROM Invoice AS T1 JOIN Customer AS T2 ON T1.CustomerId = T2.CustomerId WHERE T2.SupportRepId > 20"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="Which cities have invoices with a total greater than 20?")
    assert "WHERE T1.Total > 20" in out.sql


@pytest.mark.parametrize(("sql", "question"), [
    ("SELECT COUNT(*) FROM Track WHERE Bytes > 300000", "How many tracks are bigger than 300000 bytes?"),  # named: as written
    ("SELECT COUNT(*) FROM Track WHERE Bytes > 300000", "How many tracks are bigger than 300000?"),  # no column beside it
    ("SELECT COUNT(*) FROM Track WHERE Bytes > 5", "Tracks of 5 milliseconds or 5 bytes?"),  # the number twice
    ("SELECT COUNT(*) FROM Track WHERE Bytes > 300000 OR Milliseconds > 1", "Tracks over 300000 milliseconds?"),  # already used
    ("SELECT COUNT(*) FROM Track WHERE Name = '300000'", "Tracks over 300000 milliseconds?"),  # a string, not a number
])
def test_numbers_left_as_written(chinook, sql, question):
    catalog, _ = chinook
    assert unchanged(repoint_numbered_columns, sql, catalog, question)


def test_a_superlative_of_a_column_sorts_by_it_not_by_group_size(chinook):
    catalog, db = chinook
    sql = "SELECT Name FROM Track GROUP BY Name ORDER BY COUNT(*) DESC LIMIT 1"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="What is the name of the track with the most milliseconds?")
    assert out.sql == "SELECT Name FROM Track ORDER BY Milliseconds DESC LIMIT 1"
    assert db.run(out.sql).rows == [["Occupation / Precipice"]]
    low = check_sql(sql, catalog, row_cap=None, link=True, question="Which track has the fewest bytes?")
    assert low.sql == "SELECT Name FROM Track ORDER BY Bytes LIMIT 1"


def test_the_named_column_one_foreign_key_away_is_joined(chinook):
    catalog, db = chinook
    sql = "SELECT T1.LastName FROM Customer AS T1 GROUP BY T1.LastName ORDER BY COUNT(*) DESC LIMIT 1"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="Which customer paid the highest total?")
    assert out.sql == ("SELECT T1.LastName FROM Customer AS T1 JOIN Invoice AS T2 ON T1.CustomerId = T2.CustomerId "
                       "ORDER BY T2.Total DESC LIMIT 1")
    gold = "SELECT c.LastName FROM Customer c JOIN Invoice i ON c.CustomerId = i.CustomerId ORDER BY i.Total DESC LIMIT 1"
    assert db.run(out.sql).rows == db.run(gold).rows


@pytest.mark.parametrize(("sql", "question"), [
    # a count of rows is what "the most albums" asks for
    ("SELECT T1.Name FROM Artist AS T1 JOIN Album AS T2 ON T1.ArtistId = T2.ArtistId GROUP BY T1.Name ORDER BY COUNT(*) DESC LIMIT 1",
     "Which artist has the most albums?"),
    ("SELECT GenreId, MAX(Milliseconds) FROM Track GROUP BY GenreId ORDER BY COUNT(*) DESC LIMIT 1",
     "The longest milliseconds for each genre?"),  # the groups are asked for (and an aggregate is shown)
    ("SELECT Name FROM Track GROUP BY Name ORDER BY COUNT(*) DESC LIMIT 1", "The most popular track?"),  # no column named
    ("SELECT Name FROM Track GROUP BY Name ORDER BY COUNT(*) DESC LIMIT 1", "The most bytes and the fewest milliseconds?"),
    ("SELECT Name FROM Track ORDER BY Bytes DESC LIMIT 1", "The track with the most milliseconds?"),  # not a count: left to others
])
def test_superlatives_left_as_written(chinook, sql, question):
    catalog, _ = chinook
    assert unchanged(rank_by_named_column, sql, catalog, question)
