import pytest

from engine.catalog.reflect import reflect_catalog
from engine.sql.errors import SqlRejected
from engine.sql.extract import extract_sql
from engine.sql.validate import check_sql


@pytest.fixture(scope="module")
def catalog():
    from tests.conftest import CHINOOK

    return reflect_catalog(f"sqlite:///{CHINOOK}")


def test_unknown_column_suggests_the_closest(catalog):
    with pytest.raises(SqlRejected) as err:
        check_sql("SELECT Nme FROM Artist", catalog)
    assert err.value.rule == "unknown_column"
    assert "Artist.Name" in err.value.suggestions


def test_unknown_table_suggests_the_closest(catalog):
    with pytest.raises(SqlRejected) as err:
        check_sql("SELECT * FROM Artists", catalog)
    assert err.value.rule == "unknown_table"
    assert err.value.suggestions[0] == "Artist"


def test_ambiguous_column_names_the_tables(catalog):
    with pytest.raises(SqlRejected) as err:
        check_sql("SELECT ArtistId FROM Album JOIN Artist ON Album.ArtistId = Artist.ArtistId", catalog)
    assert err.value.rule == "ambiguous_column"
    assert "Album.ArtistId" in err.value.suggestions


def test_cte_and_aliases_pass_and_limit_is_added(catalog):
    out = check_sql("WITH x AS (SELECT Name FROM Track) SELECT Name FROM x", catalog, row_cap=50)
    assert out.sql.endswith("LIMIT 51")  # one more than the cap: the runner can say rows were cut
    out = check_sql("SELECT T1.Title FROM Album AS T1 LIMIT 5", catalog, row_cap=50)
    assert out.sql.endswith("LIMIT 5")
    out = check_sql("SELECT Name FROM Artist LIMIT 5000", catalog, row_cap=50)
    assert out.sql.endswith("LIMIT 51")


def test_union_is_capped_as_a_whole(catalog):
    out = check_sql("SELECT Name FROM Artist UNION SELECT Name FROM Genre", catalog, row_cap=7)
    assert out.sql.endswith("LIMIT 8")


def test_transpiles_to_the_target_dialect(catalog):
    out = check_sql("SELECT Name FROM Artist WHERE Name ILIKE 'a%'", catalog, dialect="postgres")
    assert "ILIKE" not in out.sql.upper()


@pytest.mark.parametrize(
    "raw,prefix,expected",
    [
        (" COUNT(*) FROM Album;", "SELECT", "SELECT COUNT(*) FROM Album"),
        ("```sql\nSELECT 1\n```", "", "SELECT 1"),
        (" Name FROM Artist WHERE Name = 'a;b'; DROP TABLE x", "SELECT", "SELECT Name FROM Artist WHERE Name = 'a;b'"),
        ("Sure! Here it is: SELECT 2", "", "SELECT 2"),
    ],
)
def test_extract_sql(raw, prefix, expected):
    assert extract_sql(raw, prefix) == expected
