import json
import subprocess
import sys

from engine.catalog.model import SchemaCatalog
from engine.importer import offline_url, run_import
from tests.conftest import SHARED, need_shared


def test_offline_ddl_docs_and_examples(workspace, tmp_path):
    need_shared("defog", "academic")
    ddl = SHARED / "defog/academic/academic.sql"
    examples = tmp_path / "pairs.json"
    examples.write_text(json.dumps([
        {"question": "How many authors are there?", "query": "SELECT count(*) FROM author"},
        {"question": "Bad one", "query": "SELECT nme FROM author"},
        {"question": "Write", "query": "DELETE FROM author"},
    ]))
    notes = tmp_path / "terms.md"
    notes.write_text("# Business terms\n\nA prolific author has written more than 10 publications.\n\n# Other\n\nCitations count both ways.")
    s = run_import(workspace, ddl=[ddl], name="academic", docs=[SHARED / "defog/academic/academic.json", notes], examples=[examples])
    assert s.tables == 15 and s.docs_applied > 30 and s.notes == 2
    assert s.examples_added == 1 and len(s.examples_invalid) == 2
    cat = SchemaCatalog.load(workspace.catalog_path(offline_url("academic")))
    assert cat.table("author").column("aid").comment
    from engine.index.store import KnowledgeIndex

    idx = KnowledgeIndex(workspace.index_dir(offline_url("academic")))
    assert idx.search("what counts as a prolific author", "doc", k=1)[0].entry.text.startswith("Business terms")
    assert idx.search("how many authors", "example", k=1)[0].entry.payload["sql"].upper().startswith("SELECT COUNT")


def test_a_defog_glossary_string_becomes_one_note_per_bullet(workspace):
    need_shared("defog", "broker")
    s = run_import(workspace, ddl=[SHARED / "defog/broker/broker.sql"], name="broker", docs=[SHARED / "defog/broker/broker.json"])
    cat = SchemaCatalog.load(workspace.catalog_path(offline_url("broker")))
    assert s.notes == len(cat.notes) >= 5  # before the fix: one note per character of the glossary text
    assert "sbTicker can be joined to sbDailyPrice on sbTickerId" in cat.notes
    assert all(len(n) > 20 and not n.startswith("-") for n in cat.notes)


def test_reimport_shows_a_diff_and_keeps_docs(workspace, tmp_path):
    a = tmp_path / "a.sql"
    a.write_text("CREATE TABLE t (id INT PRIMARY KEY, name TEXT); CREATE TABLE gone (x INT);")
    docs = tmp_path / "d.csv"
    docs.write_text("table,column,description\nt,name,The display name\n")
    run_import(workspace, ddl=[a], name="demo", docs=[docs])
    a.write_text("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, extra INT); CREATE TABLE new_one (y INT);")
    s = run_import(workspace, ddl=[a], name="demo")
    assert s.diff.tables_added == ["new_one"] and s.diff.tables_removed == ["gone"]
    assert s.diff.columns_added == ["t.extra"] and s.diff.columns_changed
    cat = SchemaCatalog.load(workspace.catalog_path(offline_url("demo")))
    assert cat.table("t").column("name").comment == "The display name"


def test_cli_import_lists_skipped_statements(tmp_path):
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE ok (a INT);\nCREATE TABLE broken (;\n")
    out = subprocess.run([sys.executable, "-m", "engine.cli", "import", "--ddl", str(bad), "--name", "x", "--workspace", str(tmp_path / "ws")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "1 tables" in out.stdout and "skipped: " in out.stdout and "line 2" in out.stdout


def test_spider_tables_json_import(workspace):
    need_shared("spider", "tables.json")
    s = run_import(workspace, ddl=[SHARED / "spider/tables.json"], name="spider")
    assert s.tables == 876


def _state(workspace, name):
    """The catalog text and the published index build of an offline catalog."""
    from engine.index.store import KnowledgeIndex

    url = offline_url(name)
    return workspace.catalog_path(url).read_text(), KnowledgeIndex(workspace.index_dir(url)).current()


def test_bad_ddl_inputs_are_listed_and_nothing_imported_is_lost(workspace, tmp_path):
    import pytest

    from engine.catalog.ddl import DDLFileError

    good = tmp_path / "shop.sql"
    good.write_text("CREATE TABLE customer (id INT PRIMARY KEY, name TEXT);\nCREATE TABLE orders (id INT, customer_id INT REFERENCES customer(id));\n")
    run_import(workspace, ddl=[good], name="shop")
    before = _state(workspace, "shop")

    # duplicate tables, a key to a missing table, an unparseable line and an empty file: listed, rest imported
    messy = tmp_path / "messy.sql"
    messy.write_text(
        "CREATE TABLE customer (id INT PRIMARY KEY, name TEXT);\n"
        "CREATE TABLE customer (id INT, other TEXT);\n"
        "CREATE TABLE invoice (id INT, account_id INT REFERENCES account(id));\n"
        "CREATE TABLE oops (;\n"
    )
    empty = tmp_path / "empty.sql"
    empty.write_text("  \n")
    s = run_import(workspace, ddl=[messy, empty], name="messy")
    text = "\n".join(s.skipped)
    assert s.tables == 2
    assert "line 2: duplicate table customer" in text
    assert "foreign key invoice(account_id) → account: no table account" in text
    assert "line 4: cannot parse" in text and "empty.sql: the file is empty" in text
    cat = SchemaCatalog.load(workspace.catalog_path(offline_url("messy")))
    assert cat.table("customer").column("name") and not cat.table("invoice").foreign_keys

    # a file with nothing importable, or not UTF-8, into the existing catalog: clear error, old state kept
    empty_only = tmp_path / "shop2.sql"
    empty_only.write_text("-- nothing here\n")
    with pytest.raises(DDLFileError, match="Nothing was changed"):
        run_import(workspace, ddl=[empty_only], name="shop")
    latin = tmp_path / "latin.sql"
    latin.write_bytes("CREATE TABLE caf\xe9 (id INT);".encode("latin-1"))
    with pytest.raises(DDLFileError, match="not UTF-8"):
        run_import(workspace, ddl=[latin], name="shop")
    assert _state(workspace, "shop") == before


def test_wrong_credentials_keep_the_previous_import(workspace, pg):
    import pytest

    from engine.execute.connect import ConnectionProblem

    need_shared("defog", "academic")
    url = pg.load_defog("academic")
    run_import(workspace, db=url)
    cat_before = workspace.catalog_path(url).read_text()
    with pytest.raises(ConnectionProblem, match="Wrong user name or password"):
        run_import(workspace, db=pg.url("academic", user="sage", password="wrong"))
    assert workspace.catalog_path(url).read_text() == cat_before
