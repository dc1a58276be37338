"""A sum or average of a text column, repointed at the numeric column the question names: real Chinook data."""

import pytest
import sqlglot

from engine.sql.text_aggregate import fix_text_aggregates
from engine.sql.validate import check_sql


def test_the_named_numeric_column_replaces_the_text_one(chinook):
    catalog, db = chinook
    sql = "SELECT AVG(T1.Composer) FROM Track AS T1 JOIN Genre AS T2 ON T1.GenreId = T2.GenreId WHERE T2.Name = 'Jazz'"
    assert db.run(sql).rows == [[0.0]]  # SQLite averages text as 0: an answer that looks like one
    out = check_sql(sql, catalog, row_cap=None, link=True, question="What is the average unit price of jazz tracks?")
    assert out.sql.startswith("SELECT AVG(T1.UnitPrice) FROM Track AS T1")
    assert out.fixes == ["AVG(T1.Composer) → AVG(T1.UnitPrice) (Composer holds text; the question asks for UnitPrice)"]
    assert db.run(out.sql).rows[0][0] == pytest.approx(0.99)


@pytest.mark.parametrize(("sql", "question"), [
    ("SELECT SUM(Name) FROM Track", "What is the total of the names?"),  # the question names the text column
    ("SELECT SUM(Milliseconds) FROM Track", "Total milliseconds of all tracks?"),  # numeric already
    ("SELECT SUM(Composer) FROM Track", "How much is all of it together?"),  # no numeric column is named
    ("SELECT Milliseconds, SUM(Composer) FROM Track", "Milliseconds and the total milliseconds?"),  # already shown
    ("SELECT SUM(Composer) FROM Track", "Total bytes and milliseconds?"),  # two are named
])
def test_left_as_written(chinook, sql, question):
    """By this rule: the last two the named-aggregate rule reads as SUM(Milliseconds) and SUM(Bytes), below."""
    catalog, _ = chinook
    tree = sqlglot.parse_one(sql)
    assert fix_text_aggregates(tree, catalog, question) == [] and tree.sql() == sql


def test_an_aggregate_takes_the_column_the_question_names(chinook):
    """named_aggregate: `AVG(Quantity)` for "the average unit price of tracks"; the InvoiceLine join it needed goes too."""
    catalog, db = chinook
    sql = ("SELECT AVG(InvoiceLine.Quantity) FROM Track JOIN InvoiceLine ON Track.TrackId = InvoiceLine.TrackId "
           "JOIN Genre ON Track.GenreId = Genre.GenreId WHERE Genre.Name = 'Rock'")
    out = check_sql(sql, catalog, row_cap=None, link=True, question="Find the average unit price of tracks from the Rock genre.")
    assert out.sql == "SELECT AVG(Track.UnitPrice) FROM Track JOIN Genre ON Track.GenreId = Genre.GenreId WHERE Genre.Name = 'Rock'"
    assert round(db.run(out.sql).rows[0][0], 2) == 0.99
    named = "SELECT AVG(Quantity) FROM InvoiceLine"  # the question names it: left
    assert check_sql(named, catalog, row_cap=None, link=True, question="What is the average quantity?").sql == named
    both = "SELECT MAX(Bytes), MIN(Bytes) FROM Track"
    out = check_sql(both, catalog, row_cap=None, link=True, question="The maximum and minimum millisecond lengths of tracks?")
    assert out.sql == "SELECT MAX(Milliseconds), MIN(Milliseconds) FROM Track"
    assert check_sql("SELECT SUM(Composer) FROM Track", catalog, row_cap=None, link=True,
                     question="Total bytes and milliseconds?").sql == "SELECT SUM(Bytes) FROM Track"
