"""A sum or average of a text column, repointed at the numeric column the question names: real Chinook data."""

import pytest

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
    catalog, _ = chinook
    out = check_sql(sql, catalog, row_cap=None, link=True, question=question)
    assert out.fixes == [] and out.sql == sql
