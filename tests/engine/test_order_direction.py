"""A superlative sorted the wrong way: on the real Chinook catalog and data."""

import pytest

from engine.sql.validate import check_sql


def test_the_fewest_is_the_lowest_count(chinook):
    catalog, db = chinook
    sql = "SELECT T1.Name FROM Genre AS T1 JOIN Track AS T2 ON T1.GenreId = T2.GenreId GROUP BY T1.Name ORDER BY COUNT(*) DESC LIMIT 1"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="Which genre has the fewest tracks?")
    assert out.sql.endswith("GROUP BY T1.Name ORDER BY COUNT(*) LIMIT 1")
    assert out.fixes == ["ORDER BY COUNT(*) DESC → ASC (the question asks for the lowest)"]
    assert db.run(out.sql).rows == [["Opera"]]
    assert db.run(sql).rows == [["Rock"]]


@pytest.mark.parametrize(("sql", "question", "now"), [
    # age words read against the key: the youngest has the latest birth date, the highest age is the oldest
    ("SELECT FirstName FROM Employee ORDER BY BirthDate LIMIT 1", "Who is the youngest employee?", "ORDER BY BirthDate DESC LIMIT 1"),
    ("SELECT FirstName FROM Employee ORDER BY BirthDate DESC LIMIT 1", "Who is the oldest employee?", "ORDER BY BirthDate LIMIT 1"),
    ("SELECT InvoiceId FROM Invoice ORDER BY InvoiceDate LIMIT 1", "What is the most recent invoice?", "ORDER BY InvoiceDate DESC LIMIT 1"),
    # in a subquery, when it is the one sorted part
    ("SELECT Name FROM Track WHERE AlbumId = (SELECT AlbumId FROM Track GROUP BY AlbumId ORDER BY COUNT(*) LIMIT 1)",
     "List the tracks of the album with the most tracks.", "ORDER BY COUNT(*) DESC LIMIT 1)"),
])
def test_direction_follows_the_question(chinook, sql, question, now):
    catalog, _ = chinook
    assert check_sql(sql, catalog, row_cap=None, link=True, question=question).sql.endswith(now)


@pytest.mark.parametrize(("sql", "question"), [
    ("SELECT Name FROM Track ORDER BY Milliseconds DESC LIMIT 1", "Which is the longest track?"),  # already right
    ("SELECT Name FROM Track ORDER BY Milliseconds DESC LIMIT 1", "Which track is longest, and which is the least played?"),  # both ways
    ("SELECT Name FROM Artist ORDER BY Name DESC LIMIT 3", "Which artists have at least 3 albums?"),  # "at least" is no superlative
    ("SELECT Name FROM Track ORDER BY Milliseconds DESC", "Which tracks are the shortest?"),  # no LIMIT: a listing, whose order may be a choice
    ("SELECT Name FROM Track ORDER BY Milliseconds DESC LIMIT 1", "List tracks from the best ones to the shortest"),  # a range
    ("SELECT FirstName FROM Employee ORDER BY EmployeeId DESC LIMIT 1", "Who is the youngest employee?"),  # age word, key no age or date
    ("SELECT Name FROM Track WHERE AlbumId IN (SELECT AlbumId FROM Album ORDER BY Title LIMIT 5) ORDER BY Bytes DESC LIMIT 1",
     "The smallest track of the first albums?"),  # two sorted parts
])
def test_left_as_written(chinook, sql, question):
    catalog, _ = chinook
    out = check_sql(sql, catalog, row_cap=None, link=True, question=question)
    assert not any("ORDER BY" in f for f in out.fixes)
    assert out.sql == sql


def test_an_extreme_subquery_follows_the_question(chinook):
    catalog, db = chinook
    sql = "SELECT FirstName FROM Employee WHERE BirthDate = (SELECT MIN(BirthDate) FROM Employee)"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="Who is the youngest employee?")
    assert out.sql == "SELECT FirstName FROM Employee WHERE BirthDate = (SELECT MAX(BirthDate) FROM Employee)"
    assert out.fixes == ["MIN(BirthDate) → MAX(BirthDate) (the question asks for the highest)"]
    assert db.run(out.sql).rows == [["Jane"]] and db.run(sql).rows == [["Margaret"]]
    right = "SELECT Name FROM Track WHERE Milliseconds = (SELECT MAX(Milliseconds) FROM Track)"
    assert check_sql(right, catalog, row_cap=None, link=True, question="Which is the longest track?").sql == right
    other = "SELECT Name FROM Track WHERE Bytes = (SELECT MIN(Milliseconds) FROM Track)"  # not its own column's extreme
    assert check_sql(other, catalog, row_cap=None, link=True, question="Which is the longest track?").sql == other


def test_sql_a_person_saved_is_left_as_written(chinook):
    catalog, _ = chinook
    sql = "SELECT Name FROM Track ORDER BY Milliseconds DESC LIMIT 1"
    assert check_sql(sql, catalog, row_cap=None, question="Which is the shortest track?").sql == sql
