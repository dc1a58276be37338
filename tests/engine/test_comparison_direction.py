"""A comparison turned the wrong way round: on the real Chinook catalog and data."""

import pytest

from engine.sql.comparison_direction import bound_operator, question_bounds
from engine.sql.validate import check_sql


def test_shorter_than_is_less_than(chinook):
    catalog, db = chinook
    sql = "SELECT COUNT(*) FROM Track WHERE Milliseconds > 300000"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="How many tracks are shorter than 300000 milliseconds?")
    assert out.sql == "SELECT COUNT(*) FROM Track WHERE Milliseconds < 300000"
    assert out.fixes == ['Milliseconds > 300000 → Milliseconds < 300000 (the question says "shorter than 300000")']
    assert db.run(out.sql).rows == [[2434]]
    assert db.run(sql).rows == [[1069]]


@pytest.mark.parametrize(("sql", "question", "now"), [
    ("SELECT COUNT(*) FROM Track WHERE 300000 < Milliseconds", "How many tracks are under 300000 milliseconds?",
     "SELECT COUNT(*) FROM Track WHERE 300000 > Milliseconds"),  # the literal on the left
    ("SELECT COUNT(*) FROM Invoice WHERE Total < 10", "How many invoices total not lower than 10?",
     "SELECT COUNT(*) FROM Invoice WHERE Total > 10"),  # negated
    ("SELECT COUNT(*) FROM Invoice WHERE Total <= 10", "How many invoices total 10 or more?",
     "SELECT COUNT(*) FROM Invoice WHERE Total >= 10"),  # the words after the number
    ("SELECT COUNT(*) FROM Employee WHERE HireDate < '2003'", "How many employees were hired after 2003?",
     "SELECT COUNT(*) FROM Employee WHERE HireDate > '2003'"),
    # left as written (`now` None): already right, a range, both ways, "older" on a date, another number
    ("SELECT COUNT(*) FROM Invoice WHERE Total > 10", "How many invoices total more than 10?", None),
    ("SELECT COUNT(*) FROM Invoice WHERE Total > 10", "How many invoices total between 10 and 20?", None),
    ("SELECT COUNT(*) FROM Invoice WHERE Total > 10", "Invoices over 10 and under 10?", None),
    ("SELECT COUNT(*) FROM Employee WHERE BirthDate > '1960'", "How many employees are older than 1960?", None),
    ("SELECT COUNT(*) FROM Invoice WHERE Total > 5", "How many invoices total less than 10?", None),
])
def test_direction_follows_the_question(chinook, sql, question, now):
    out = check_sql(sql, chinook[0], row_cap=None, link=True, question=question).sql
    assert out == (now or sql)


def test_sql_a_person_saved_is_left_as_written(chinook):
    catalog, _ = chinook
    sql = "SELECT COUNT(*) FROM Track WHERE Milliseconds > 300000"
    assert check_sql(sql, catalog, row_cap=None, question="How many tracks are shorter than 300000 milliseconds?").sql == sql


def test_bounds_and_their_operators():
    assert question_bounds("more than 10 matches, at least 3 albums, 20 or fewer, between 5 and 7") == {
        10.0: {(True, "more than 10")}, 3.0: {(True, "at least 3")}, 20.0: {(False, "20 or fewer")}}
    assert question_bounds("employees under age 30") == {30.0: {(False, "under age 30")}}
    assert bound_operator(True, "at least 3").__name__ == "GTE"
    assert bound_operator(False, "fewer than 3").__name__ == "LT"
    assert bound_operator(False, "not higher than 4").__name__ == "LTE"
