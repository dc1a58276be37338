"""A joined table the answer never uses and the question never names: on the real Chinook catalog and data."""

import pytest

from engine.sql.validate import check_sql


def test_a_meaningless_join_goes_and_the_rows_come_right(chinook):
    catalog, db = chinook
    sql = ("SELECT T1.FirstName, T1.LastName FROM Employee AS T1 JOIN Invoice AS T2 ON T1.EmployeeId = T2.CustomerId "
           "WHERE T1.City = 'Calgary'")
    question = "Find the full names of employees living in the city of Calgary."
    assert len(db.run(sql).rows) == 35  # one row per invoice of the customers whose ids match: not what was asked
    out = check_sql(sql, catalog, row_cap=None, link=True, question=question)
    assert out.sql == "SELECT T1.FirstName, T1.LastName FROM Employee AS T1 WHERE T1.City = 'Calgary'"
    assert out.fixes == ["dropped the join of Invoice (no column of it is used and the question does not name it)"]
    assert len(db.run(out.sql).rows) == 5


def test_an_unused_first_table_and_its_neighbour_go(chinook):
    catalog, db = chinook
    sql = ("SELECT COUNT(*) FROM PlaylistTrack AS T1 JOIN Playlist AS T2 ON T1.PlaylistId = T2.PlaylistId "
           "JOIN Track AS T3 ON T1.TrackId = T3.TrackId JOIN Genre AS T4 ON T3.GenreId = T4.GenreId WHERE T4.Name = 'Rock'")
    out = check_sql(sql, catalog, row_cap=None, link=True, question="Count the number of tracks that are part of the rock genre.")
    assert out.sql == ("SELECT COUNT(*) FROM Track AS T3 JOIN Genre AS T4 ON T3.GenreId = T4.GenreId "
                       "WHERE T4.Name = 'Rock'")
    assert db.run(out.sql).rows == [[1297]]


def test_inside_a_subquery_too(chinook):
    catalog, _ = chinook
    out = check_sql("SELECT LastName FROM Customer WHERE NOT CustomerId IN (SELECT CustomerId FROM InvoiceLine "
                    "JOIN Invoice ON InvoiceLine.InvoiceId = Invoice.InvoiceId)", catalog, row_cap=None, link=True,
                    question="What are the last names of customers without invoice totals exceeding 20?")
    assert out.sql == "SELECT LastName FROM Customer WHERE NOT CustomerId IN (SELECT CustomerId FROM Invoice)"


@pytest.mark.parametrize(("sql", "question"), [
    # the question names the joined table: an existence join it asked for
    ("SELECT DISTINCT T1.FirstName FROM Customer AS T1 JOIN Invoice AS T2 ON T1.CustomerId = T2.CustomerId "
     "WHERE T1.Country = 'Brazil'", "Find the first names of all customers that live in Brazil and have an invoice."),
    # … by a word longer than its name ("playlists" for Playlist, through PlaylistTrack's own part)
    ("SELECT COUNT(*) FROM Track AS T1 JOIN PlaylistTrack AS T2 ON T1.TrackId = T2.TrackId",
     "How many tracks are on playlists?"),
    # a column of it is used
    ("SELECT T2.Name FROM Album AS T1 JOIN Artist AS T2 ON T1.ArtistId = T2.ArtistId", "List every album's title."),
    # a filter in the join condition uses it
    ("SELECT T1.Title FROM Album AS T1 JOIN Artist AS T2 ON T1.ArtistId = T2.ArtistId AND T2.Name = 'AC/DC'",
     "List the titles."),
    # an outer join keeps every row: dropping it changes nothing, so it is left as written
    ("SELECT T1.Name FROM Artist AS T1 LEFT JOIN Album AS T2 ON T1.ArtistId = T2.ArtistId", "List the names."),
    # a self-join: which copy is meant is not knowable
    ("SELECT T1.FirstName FROM Employee AS T1 JOIN Employee AS T2 ON T1.ReportsTo = T2.EmployeeId",
     "List the first names."),
    ("SELECT * FROM Album AS T1 JOIN Artist AS T2 ON T1.ArtistId = T2.ArtistId", "Show everything."),
])
def test_joins_the_answer_needs_stay(chinook, sql, question):
    catalog, _ = chinook
    out = check_sql(sql, catalog, row_cap=None, link=True, question=question)
    assert not any("dropped the join" in f for f in out.fixes)  # (the playlist count becomes a distinct count: distinct_count's)
    assert "JOIN" in out.sql


def test_sql_a_person_saved_is_left_as_written(chinook):
    catalog, _ = chinook
    sql = "SELECT T1.FirstName FROM Employee AS T1 JOIN Invoice AS T2 ON T1.EmployeeId = T2.CustomerId"
    assert "JOIN" in check_sql(sql, catalog, row_cap=None, question="List employees.").sql
