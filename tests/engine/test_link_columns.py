"""Column linking on the real Chinook catalog: each unambiguous fix, and what is left alone."""

import pytest
import sqlglot

from engine.catalog.reflect import reflect_catalog
from engine.execute.runner import Database
from engine.pipeline import AskOptions, ask
from engine.session import open_session
from engine.sql.errors import SqlRejected
from engine.sql.join_keys import fix_join_keys
from engine.sql.validate import check_sql
from tests.engine.test_pipeline import ScriptedModel


@pytest.fixture(scope="module")
def catalog():
    from tests.conftest import CHINOOK

    return reflect_catalog(f"sqlite:///{CHINOOK}", samples=False)


@pytest.fixture(scope="module")
def db():
    from tests.conftest import CHINOOK

    d = Database(f"sqlite:///{CHINOOK}")
    yield d
    d.engine.dispose()


def linked(sql, catalog):
    return check_sql(sql, catalog, row_cap=None, link=True)


def test_a_near_spelling_becomes_the_real_column(catalog):
    out = linked("SELECT first_name FROM Customer WHERE Country = 'Brazil'", catalog)
    assert out.sql == "SELECT FirstName FROM Customer WHERE Country = 'Brazil'"
    assert out.fixes == ["first_name → FirstName (the column's real name)"]


def test_a_column_on_the_wrong_alias_moves_to_its_table(catalog):
    out = linked("SELECT T2.Title FROM Album AS T1 JOIN Artist AS T2 ON T1.ArtistId = T2.ArtistId", catalog)
    assert out.sql.startswith("SELECT T1.Title FROM Album AS T1")
    assert "it is in Album" in out.fixes[0]


def test_a_column_one_foreign_key_away_adds_the_join(catalog, db):
    out = linked("SELECT FirstName FROM Invoice WHERE Total > 20", catalog)
    assert "JOIN Customer ON Invoice.CustomerId = Customer.CustomerId" in out.sql
    assert out.fixes == ["FirstName → Customer.FirstName (joined Customer on CustomerId = CustomerId)"]
    gold = "SELECT c.FirstName FROM Invoice i JOIN Customer c ON i.CustomerId = c.CustomerId WHERE i.Total > 20"
    assert sorted(db.run(out.sql, row_cap=None).rows) == sorted(db.run(gold, row_cap=None).rows)


def test_bare_columns_of_the_old_table_are_pinned_after_a_join(catalog, db):
    out = linked("SELECT CustomerId, FirstName FROM Invoice WHERE Total > 20", catalog)
    assert out.sql.startswith("SELECT Invoice.CustomerId, Customer.FirstName")
    assert db.run(out.sql, row_cap=None).rows


def test_two_possible_joins_are_left_for_the_model(catalog):
    # Name is in Artist (Album → Artist) and in Track (Track → Album): no single right answer
    with pytest.raises(SqlRejected) as err:
        linked("SELECT Name FROM Album", catalog)
    assert err.value.rule == "unknown_column"


def test_a_bare_join_key_takes_either_side(catalog):
    sql = "SELECT ArtistId FROM Album JOIN Artist ON Album.ArtistId = Artist.ArtistId"
    with pytest.raises(SqlRejected):
        check_sql(sql, catalog)  # a person's SQL is checked as written
    assert linked(sql, catalog).sql.startswith("SELECT Album.ArtistId")


def test_an_undefined_alias_is_dropped(catalog):
    assert linked("SELECT T3.Name FROM Artist AS T1", catalog).sql == "SELECT Name FROM Artist AS T1"


def test_a_join_condition_is_not_moved_to_the_other_table(catalog):
    # moving T1.Name to T2.Name would make the join compare Artist with itself
    with pytest.raises(SqlRejected):
        linked("SELECT T1.Title FROM Album AS T1 JOIN Artist AS T2 ON T1.Name = T2.ArtistId", catalog)


def test_correct_sql_is_untouched(catalog):
    sql = "SELECT T1.Title, T2.Name FROM Album AS T1 JOIN Artist AS T2 ON T1.ArtistId = T2.ArtistId ORDER BY T2.Name"
    out = linked(sql, catalog)
    assert out.sql == sql and out.fixes == []


def test_ask_links_before_repairing_and_says_so(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    model = ScriptedModel([" FirstName FROM Invoice WHERE Total > 20"])  # no second output: a repair would fail
    res = ask("First names of customers with an invoice over 20", session, model)
    assert res.ok and len(res.trace.attempts) == 1
    assert res.trace.attempts[0].fixes and "JOIN Customer" in res.sql
    off = ask("same", session, ScriptedModel([" FirstName FROM Invoice", " 1"]), AskOptions(column_linking=False, max_repairs=0))
    assert not off.ok and off.trace.attempts[0].rule == "unknown_column"


def test_the_table_name_as_a_prefix_is_dropped(catalog):
    assert linked("SELECT invoice_date FROM Invoice", catalog).sql == "SELECT InvoiceDate FROM Invoice"
    assert linked("SELECT ArtistName FROM Artist", catalog).sql == "SELECT Name FROM Artist"


def test_an_undefined_alias_on_a_column_two_tables_have_is_not_guessed(catalog):
    with pytest.raises(SqlRejected) as err:
        linked("SELECT T3.Name FROM Artist AS T1 JOIN Genre AS T2 ON T1.ArtistId = T2.GenreId", catalog)
    assert err.value.rule == "ambiguous_column"


def test_a_subquery_column_its_own_table_has_is_not_linked_in_the_outer_query():
    """sqlglot lists a subquery's bare columns as possibly correlated; SQL resolves them inside."""
    from tests.conftest import CHINOOK

    catalog = reflect_catalog(f"sqlite:///{CHINOOK}", samples=False)
    for sql in ("SELECT Name FROM Track WHERE AlbumId IN (SELECT AlbumId FROM Album WHERE Title = 'x')",
                "SELECT Name FROM Track AS T WHERE AlbumId IN (SELECT AlbumId FROM Album WHERE T.Milliseconds > 5)"):
        out = check_sql(sql, catalog, row_cap=None, link=True, question="Which tracks?")
        assert (out.sql, out.fixes) == (sql, [])


def test_a_join_on_unrelated_ids_takes_the_declared_key(chinook):
    """join_keys: `EmployeeId = CustomerId` pairs rows at random; Customer.SupportRepId → Employee is the key."""
    catalog, db = chinook
    sql = ("SELECT T1.LastName FROM Employee AS T1 JOIN Customer AS T2 ON T1.EmployeeId = T2.CustomerId "
           "WHERE T2.FirstName = 'Leonie'")
    out = check_sql(sql, catalog, row_cap=None, link=True, question="Which employee helps the customer Leonie?")
    assert "ON T1.EmployeeId = T2.SupportRepId" in out.sql
    assert db.run(out.sql).rows == [["Johnson"]] and db.run(sql).rows == [["Edwards"]]  # employee 2 for customer 2
    # already the key, and same-named columns: left
    for ok in ("SELECT T1.Title FROM Album AS T1 JOIN Track AS T2 ON T1.AlbumId = T2.AlbumId",
               "SELECT T1.Name FROM Track AS T1 JOIN InvoiceLine AS T2 ON T1.UnitPrice = T2.UnitPrice"):
        tree = sqlglot.parse_one(ok)
        assert fix_join_keys(tree, catalog, "Which?") == [] and tree.sql() == ok
