from pathlib import Path

import pytest

from engine.catalog.ddl import DDLFileError, import_ddl, import_ddl_files
from tests.conftest import SHARED, need_shared

DEFOG = sorted((SHARED / "defog").glob("*/*.sql")) if (SHARED / "defog").exists() else []


@pytest.mark.parametrize("path", DEFOG, ids=lambda p: p.stem)
def test_every_defog_ddl_file_imports(path: Path):
    result = import_ddl_files([path], dialect="postgres")
    cat = result.catalog
    assert result.skipped == []
    assert len(cat.tables) >= 3
    # every CREATE TABLE in the file became a table with columns
    creates = path.read_text().upper().count("CREATE TABLE")
    assert len(cat.tables) == creates
    assert all(t.columns for t in cat.tables)


def test_defog_files_present():
    need_shared("defog")
    assert len(DEFOG) == 11


def test_keys_and_comments_are_kept():
    need_shared("defog")
    cat = import_ddl_files([SHARED / "defog/car_dealership/car_dealership.sql"]).catalog
    sales = cat.table("sales")
    assert {fk.ref_table for fk in sales.foreign_keys} == {"cars", "salespersons", "customers"}
    assert sales.column("id").primary_key


def test_unparseable_statements_are_skipped_and_listed():
    text = """
    CREATE TABLE a (id INT PRIMARY KEY, name TEXT);
    CREATE TABLE broken (id INT,, ;
    CREATE TABLE b (id INT, a_id INT REFERENCES a(id));
    COMMENT ON TABLE a IS 'All the a things';
    COMMENT ON COLUMN b.a_id IS 'points at a';
    INSERT INTO a VALUES (1, 'x');
    """
    result = import_ddl(text, dialect="postgres")
    assert [t.name for t in result.catalog.tables] == ["a", "b"]
    assert len(result.skipped) == 1 and "line 3" in result.skipped[0]
    assert result.catalog.table("a").comment == "All the a things"
    assert result.catalog.table("b").column("a_id").comment == "points at a"
    assert result.catalog.table("b").foreign_keys[0].ref_table == "a"
    assert result.ignored_statements == 1


def test_non_utf8_file_gives_advice(tmp_path):
    p = tmp_path / "latin.sql"
    p.write_bytes("CREATE TABLE caf\xe9 (id INT);".encode("latin-1"))
    with pytest.raises(DDLFileError, match="not UTF-8"):
        import_ddl_files([p])
