"""Reflection and read-only execution against the real PostgreSQL server."""

import pytest
import sqlalchemy as sa

from engine.catalog.reflect import reflect_catalog
from engine.execute.runner import Database, QueryTimeout

pytestmark = pytest.mark.postgres


def test_reflect_defog_database_with_fks_and_comments(pg):
    url = pg.load_defog("car_dealership")
    pg.psql("COMMENT ON TABLE cars IS 'Cars on the lot'; COMMENT ON COLUMN cars.make IS 'Manufacturer'", db="car_dealership")
    cat = reflect_catalog(url)
    assert cat.dialect == "postgres"
    assert {"cars", "sales", "customers", "salespersons"} <= set(cat.table_names())
    assert {fk.ref_table for fk in cat.table("sales").foreign_keys} == {"cars", "salespersons", "customers"}
    assert cat.table("cars").comment == "Cars on the lot"
    assert cat.table("cars").column("make").comment == "Manufacturer"
    assert cat.table("cars").column("id").primary_key


def test_postgres_session_is_read_only_and_time_limited(pg):
    url = pg.load_defog("car_dealership")
    db = Database(url)
    with pytest.raises(sa.exc.DBAPIError, match="read-only"):
        db.run("DELETE FROM sales")
    with pytest.raises(QueryTimeout):
        db.run("SELECT pg_catalog.count(*) FROM generate_series(1, 100000000)", timeout_s=0.5)
    assert db.run("SELECT count(*) FROM sales").rows[0][0] > 0


def test_literal_linking_reads_postgres_values(pg):
    from engine.retrieval.value_link import ValueIndex
    from engine.sql.validate import check_sql

    url = pg.load_defog("car_dealership")
    catalog = reflect_catalog(url, samples=False)
    values = ValueIndex.build(Database(url), catalog)
    # PostgreSQL compares strings exactly: 'toyota' finds nothing where 'Toyota' is stored
    out = check_sql("SELECT COUNT(*) FROM cars WHERE make = 'toyota'", catalog, row_cap=None, link=True,
                    values=values, question="How many toyota cars are there?")
    assert out.sql == "SELECT COUNT(*) FROM cars WHERE make = 'Toyota'"
    assert Database(url).run(out.sql).rows[0][0] > 0
