"""People counted as rows: a real SQLite file with a population column."""

import sqlite3

import pytest

from engine.catalog.reflect import reflect_catalog
from engine.execute.runner import Database
from engine.sql.validate import check_sql


@pytest.fixture()
def towns(tmp_path):
    path = tmp_path / "towns.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE city (ID INTEGER PRIMARY KEY, Name TEXT, District TEXT, Population INTEGER)")
        con.executemany("INSERT INTO city VALUES (?, ?, ?, ?)",
                        [(1, "Arnhem", "Gelderland", 138020), (2, "Nijmegen", "Gelderland", 152463), (3, "Utrecht", "Utrecht", 234323)])
        con.execute("CREATE TABLE person (ID INTEGER PRIMARY KEY, Name TEXT, CityID INTEGER REFERENCES city(ID))")
        con.execute("INSERT INTO person VALUES (1, 'Ann', 1)")
    url = f"sqlite:///{path}"
    return reflect_catalog(url, samples=False), Database(url)


def test_people_living_somewhere_are_the_population_not_the_rows(towns):
    catalog, db = towns
    sql = "SELECT COUNT(*) FROM city WHERE District = 'Gelderland'"
    out = check_sql(sql, catalog, row_cap=None, link=True, question="How many people live in Gelderland district?")
    assert out.sql == "SELECT SUM(Population) FROM city WHERE District = 'Gelderland'"
    assert out.fixes == ["COUNT(*) → SUM(Population) (the question counts people, not rows)"]
    assert db.run(out.sql).rows == [[290483]] and db.run(sql).rows == [[2]]


@pytest.mark.parametrize(("sql", "question"), [
    ("SELECT COUNT(*) FROM city WHERE District = 'Gelderland'", "How many cities are in Gelderland?"),  # rows asked for
    ("SELECT COUNT(*) FROM person JOIN city ON person.CityID = city.ID WHERE person.Name = 'Ann'",
     "How many people called Ann live in a city?"),  # a row is a person
    ("SELECT COUNT(*) FROM person WHERE CityID = 1", "How many people live in city 1?"),  # no population column
    ("SELECT District, COUNT(*) FROM city GROUP BY District", "How many people live in each district?"),  # not a bare count
])
def test_counts_left_as_written(towns, sql, question):
    catalog, _ = towns
    assert check_sql(sql, catalog, row_cap=None, link=True, question=question).sql == sql
