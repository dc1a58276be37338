"""Two foreign keys to one table: the question's direction words pick the join, on a real
SQLite flights database whose rows join (unlike Spider's flight_2, whose codes carry a space)."""

import sqlite3

import pytest

from engine.catalog.reflect import reflect_catalog
from engine.execute.runner import Database
from engine.sql.errors import SqlRejected
from engine.sql.join_roles import column_role, pick_by_role, question_roles
from engine.sql.validate import check_sql


def test_roles_of_columns_and_questions():
    assert column_role("SourceAirport") == "source" and column_role("DestAirport") == "dest"
    assert column_role("winner_id") == "winner" and column_role("AirportCode") is None
    assert question_roles("Which flights are leaving Aberdeen?") == {"source"}
    assert question_roles("How many flights land in Abilene?") == {"dest"}
    assert pick_by_role(["SourceAirport", "DestAirport"], "flights arriving in Aberdeen") == 1
    assert pick_by_role(["SourceAirport", "DestAirport"], "flights from Aberdeen arriving in Ashley") is None
    assert pick_by_role(["student_id", "friend_id"], "names of students who won") is None  # no role in the keys


@pytest.fixture(scope="module")
def flights(tmp_path_factory):
    path = tmp_path_factory.mktemp("flights") / "flights.sqlite"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE airports (AirportCode TEXT PRIMARY KEY, City TEXT, AirportName TEXT);
        CREATE TABLE flights (FlightNo INTEGER PRIMARY KEY,
            SourceAirport TEXT REFERENCES airports(AirportCode),
            DestAirport TEXT REFERENCES airports(AirportCode));
        INSERT INTO airports VALUES ('ABR', 'Aberdeen', 'Aberdeen Regional'), ('ABI', 'Abilene', 'Abilene Municipal');
        INSERT INTO flights VALUES (1, 'ABR', 'ABI'), (2, 'ABR', 'ABI'), (3, 'ABI', 'ABR');
    """)
    con.commit()
    con.close()
    url = f"sqlite:///{path}"
    db = Database(url)
    yield reflect_catalog(url, samples=False), db
    db.engine.dispose()


MODEL_SQL = "SELECT COUNT(*) FROM flights WHERE City = 'Aberdeen'"  # the model forgot the join


@pytest.mark.parametrize(("question", "key", "count"), [
    ("How many flights depart from Aberdeen?", "SourceAirport", 2),
    ("How many flights arrive in Aberdeen?", "DestAirport", 1),
])
def test_the_direction_word_picks_the_key_and_the_count_is_right(flights, question, key, count):
    catalog, db = flights
    out = check_sql(MODEL_SQL, catalog, row_cap=None, link=True, question=question)
    assert f"ON flights.{key} = airports.AirportCode" in out.sql
    assert out.fixes == [f"City → airports.City (joined airports on {key} = AirportCode)"]
    assert db.run(out.sql).rows == [[count]]


@pytest.mark.parametrize("question", ["How many flights touch Aberdeen?", "Flights from Abilene arriving in Aberdeen?"])
def test_no_cue_or_both_cues_leave_the_join_to_the_model(flights, question):
    catalog, _ = flights
    with pytest.raises(SqlRejected, match="City"):
        check_sql(MODEL_SQL, catalog, row_cap=None, link=True, question=question)
