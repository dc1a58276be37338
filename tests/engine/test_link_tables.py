"""Table linking on real catalogs: a table named in the wrong number or case, and what is left alone."""

import pytest

from engine.catalog.model import Column, SchemaCatalog, Table
from engine.catalog.reflect import reflect_catalog
from engine.sql.errors import SqlRejected
from engine.sql.validate import check_sql
from tests.conftest import CHINOOK, SHARED, need_shared


@pytest.fixture(scope="module")
def chinook():
    return reflect_catalog(f"sqlite:///{CHINOOK}", samples=False)


def test_a_plural_table_becomes_the_real_one_and_its_qualifiers_follow(chinook):
    out = check_sql("SELECT albums.Title FROM albums WHERE albums.ArtistId = 1", chinook, row_cap=None, link=True)
    assert out.sql == "SELECT Album.Title FROM Album WHERE Album.ArtistId = 1"
    assert out.fixes == ["albums → Album (the table's real name)"]


def test_an_aliased_table_keeps_its_alias(chinook):
    out = check_sql("SELECT T1.Name FROM artists AS T1 JOIN album AS T2 ON T1.ArtistId = T2.ArtistId", chinook, row_cap=None, link=True)
    assert out.sql == "SELECT T1.Name FROM Artist AS T1 JOIN album AS T2 ON T1.ArtistId = T2.ArtistId"  # a case difference alone is no error


def test_saved_sql_and_the_switched_off_lever_are_checked_as_written(chinook):
    with pytest.raises(SqlRejected, match="Table 'albums' does not exist"):
        check_sql("SELECT Title FROM albums", chinook, row_cap=None)
    with pytest.raises(SqlRejected, match="Table 'albums' does not exist"):
        check_sql("SELECT Title FROM albums", chinook, row_cap=None, link=True, link_tables=False)


def test_a_compound_name_links_to_its_own_table_not_the_shorter_one(chinook):
    out = check_sql("SELECT COUNT(*) FROM invoice_lines", chinook, row_cap=None, link=True)
    assert out.fixes == ["invoice_lines → InvoiceLine (the table's real name)"]  # not Invoice


def test_two_candidate_tables_or_none_are_left_for_the_check_to_report(chinook):
    both = SchemaCatalog("pets", tables=[Table("Pet", [Column("id")]), Table("Pets", [Column("id")])])
    with pytest.raises(SqlRejected, match="Table 'pet_s' does not exist"):
        check_sql("SELECT id FROM pet_s", both, row_cap=None, link=True)
    with pytest.raises(SqlRejected, match="Table 'tracklist' does not exist"):
        check_sql("SELECT * FROM tracklist", chinook, row_cap=None, link=True)


def test_spider_tvshow_and_pets(tmp_path):
    need_shared("spider", "database")
    tv = reflect_catalog(f"sqlite:///{SHARED / 'spider/database/tvshow/tvshow.sqlite'}", samples=False)
    out = check_sql("SELECT Language, COUNT(*) FROM TV_channels GROUP BY Language", tv, row_cap=None, link=True)
    assert out.sql.startswith("SELECT Language, COUNT(*) FROM TV_Channel")
    pets = reflect_catalog(f"sqlite:///{SHARED / 'spider/database/pets_1/pets_1.sqlite'}", samples=False)
    out = check_sql("SELECT COUNT(*) FROM pet WHERE PetType = 'dog'", pets, row_cap=None, link=True)
    assert out.sql == "SELECT COUNT(*) FROM Pets WHERE PetType = 'dog'"  # not Has_Pet
