"""Templated ratio and date pairs: valid over the schema, and right when run on real data."""

import sqlite3
from datetime import date, timedelta

import pytest

from engine.catalog.reflect import reflect_catalog
from engine.execute.runner import Database
from engine.sql.validate import check_sql
from finetune.behaviours import behaviour_pairs, sample_behaviours
from tests.conftest import CHINOOK


@pytest.fixture
def shop(tmp_path):
    """Orders with two numbers, a text group and two dates (one of them recent), under customers."""
    path = tmp_path / "shop.sqlite"
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, name TEXT);"
        "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(customer_id),"
        " name TEXT, region TEXT, quantity INTEGER, price REAL, order_date DATE, ship_date DATE);"
    )
    today = date.today()
    con.executemany("INSERT INTO customer VALUES (?, ?)", [(1, "Ann"), (2, "Bo")])
    rows = [
        (1, 1, "a", "north", 2, 10.0, (today - timedelta(days=2)).isoformat(), (today - timedelta(days=1)).isoformat()),
        (2, 1, "b", "north", 4, 0.0, "2020-01-05", "2020-01-08"),
        (3, 2, "c", "south", 6, 30.0, "2020-01-20", "2020-01-30"),
        (4, 2, "d", "south", 0, 200.0, "2021-03-01", "2021-03-02"),
    ]
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()
    url = f"sqlite:///{path}"
    return reflect_catalog(url, samples=False), Database(url)


def _answer(pairs, sql_starts: str, db: Database) -> list:
    sql = next(s for _q, s in pairs if s.startswith(sql_starts))
    return db.run(sql, row_cap=None).rows


def test_every_pair_passes_the_checks_and_runs(shop):
    cat, db = shop
    pairs = behaviour_pairs(cat)
    assert len(pairs) >= 15
    for _q, sql in pairs:
        check_sql(sql, cat, row_cap=None)
        db.run(sql, row_cap=None)
    text = " ".join(s for _q, s in pairs)
    for needed in ("AS REAL) / NULLIF(", "DATE('now', '-", "STRFTIME('%Y-%m'", "JULIANDAY(", "CASE WHEN"):
        assert needed in text


def test_ratios_and_dates_compute_what_the_question_asks(shop):
    cat, db = shop
    pairs = behaviour_pairs(cat)
    per_row = dict(_answer(pairs, 'SELECT name, CAST(quantity AS REAL) / NULLIF(price, 0)', db))
    assert per_row == {"a": 0.2, "b": None, "c": 0.2, "d": 0.0}  # a zero price gives NULL, not an error
    assert _answer(pairs, "SELECT CAST(SUM(quantity) AS REAL) / NULLIF(SUM(price), 0)", db) == [[12 / 240]]
    assert _answer(pairs, "SELECT CAST((SELECT COUNT(*) FROM orders) AS REAL) / NULLIF((SELECT COUNT(*) FROM customer), 0)", db) == [[2.0]]
    months = _answer(pairs, "SELECT STRFTIME('%Y-%m', order_date) AS month, COUNT(*) FROM orders GROUP BY month ORDER BY month", db)
    assert months[:2] == [["2020-01", 2], ["2021-03", 1]]
    recent = next(s for q, s in pairs if s.startswith("SELECT COUNT(*) FROM orders WHERE order_date >= DATE('now'"))
    assert db.run(recent, row_cap=None).rows == [[1]]  # only the order of two days ago
    gap = _answer(pairs, "SELECT AVG(JULIANDAY(ship_date) - JULIANDAY(order_date))", db)
    assert gap == [[(1 + 3 + 10 + 1) / 4]]


def test_only_sqlite_schemas_get_them(shop):
    cat, _ = shop
    cat.dialect = "postgres"
    assert behaviour_pairs(cat) == []


def test_drawn_evenly_across_databases(shop):
    cat, _ = shop
    chinook = reflect_catalog(f"sqlite:///{CHINOOK}", samples=False)
    got = sample_behaviours({"shop": cat, "chinook": chinook}, 20, seed=3)
    assert len(got) == 20
    assert sum(1 for db, _q, _s in got if db == "shop") == 10
    assert got == sample_behaviours({"shop": cat, "chinook": chinook}, 20, seed=3)  # seeded


def test_prepare_mixes_them_in(tmp_path):
    from engine.workspace import Workspace
    from finetune.workflow import DataSources, prepare
    from tests.conftest import SHARED, need_shared

    need_shared("spider", "tables.json")
    info = prepare(tmp_path / "run", Workspace(tmp_path / "ws"), DataSources(spider_tables=[SHARED / "spider/tables.json"],
                   behaviours=50, exclude_dbs={"chinook_1", "sakila_1"}, max_eval=5))
    assert info.sources == {"behaviours": 50}
    assert info.train + info.eval == 50 and not info.invalid


def test_they_never_cover_a_schema_only_an_evaluated_set_uses(tmp_path):
    """Spider's tables.json holds dev's 20 schemas too: with Spider train's pairs loaded, behaviour
    pairs are drawn over train's databases only."""
    import json

    from engine.workspace import Workspace
    from finetune.workflow import DataSources, prepare
    from tests.conftest import SHARED, need_shared

    need_shared("spider", "train_spider.json")
    run = tmp_path / "run"
    prepare(run, Workspace(tmp_path / "ws"), DataSources(spider_json=[SHARED / "spider/train_spider.json"],
            spider_tables=[SHARED / "spider/tables.json"], behaviours=400, exclude_dbs={"chinook_1", "sakila_1"}, max_eval=5))
    dev = {r["db_id"] for r in json.loads((SHARED / "spider/dev.json").read_text())}
    rows = [json.loads(line) for line in (run / "train.jsonl").read_text().splitlines()]
    assert len(rows) > 6000
    assert not {r["db_id"] for r in rows} & dev
