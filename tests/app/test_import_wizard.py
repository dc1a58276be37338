"""The import wizard on real files: source → options → progress → summary."""

import json

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QWizard  # noqa: E402

from app.import_wizard import ImportWizard  # noqa: E402
from engine.catalog.model import SchemaCatalog  # noqa: E402
from engine.importer import offline_url  # noqa: E402


def walk(qtbot, wiz) -> str:
    wiz.next()  # source → options
    wiz.next()  # options → progress (starts the import)
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.summary_page or wiz.progress_page.error is not None, timeout=180000)
    return wiz.summary_page.text.toPlainText() if wiz.progress_page.error is None else wiz.progress_page.label.text()


def test_ddl_files_with_a_bad_statement_and_docs(qtbot, workspace, tmp_path):
    ddl = tmp_path / "shop.sql"
    ddl.write_text("CREATE TABLE customer (id INT PRIMARY KEY, name TEXT);\nCREATE TABLE broken (;\n"
                   "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT REFERENCES customer(id), total NUMERIC);\n")
    docs = tmp_path / "docs.csv"
    docs.write_text("table,column,description\norders,total,Order total in EUR incl. VAT\n")
    wiz = ImportWizard(workspace)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.source_page.buttons["ddl"].setChecked(True)
    wiz.next()
    assert not wiz.options_page.validatePage()  # no file yet: says so instead of importing nothing
    wiz.options_page.ddl.add([ddl])
    wiz.options_page.docs.add([docs])
    wiz.options_page.name.setText("shop")
    wiz.back()
    text = walk(qtbot, wiz)
    assert "2 tables" in text and "skipped:" in text and "line 2" in text
    assert "docs: 1 descriptions applied" in text
    cat = SchemaCatalog.load(workspace.catalog_path(offline_url("shop")))
    assert cat.table("orders").column("total").comment.startswith("Order total")


def test_examples_for_the_current_database_and_reimport_reuses_embeddings(qtbot, workspace, chinook_url, tmp_path):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps([
        {"question": "How many artists?", "query": "SELECT count(*) FROM Artist"},
        {"question": "Broken", "query": "SELECT nme FROM Artist"},
    ]))
    wiz = ImportWizard(workspace, chinook_url)
    qtbot.addWidget(wiz)
    wiz.show()
    assert wiz.source_page.source() == "knowledge"
    wiz.next()
    wiz.options_page.examples.add([pairs])
    wiz.back()
    first = walk(qtbot, wiz)
    assert "examples: 1 indexed, 1 invalid" in first and "invalid example: 'Broken'" in first
    with qtbot.waitSignal(wiz.imported, timeout=5000) as got:
        wiz.button(QWizard.FinishButton).click()
    assert got.args == [chinook_url]
    # the same import again: nothing new to embed
    wiz2 = ImportWizard(workspace, chinook_url)
    qtbot.addWidget(wiz2)
    wiz2.show()
    wiz2.next()
    wiz2.options_page.examples.add([pairs])
    wiz2.back()
    assert "index: 0 entries embedded" in walk(qtbot, wiz2)


def test_unreachable_database_fails_with_a_message_and_keeps_the_old_catalog(qtbot, workspace, chinook_url, tmp_path):
    wiz = ImportWizard(workspace)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.source_page.url.setText(f"sqlite:///{tmp_path}/nope.db")
    text = walk(qtbot, wiz)
    assert "SQLite file not found" in text and "Nothing already imported was changed" in text
    assert not wiz.progress_page.isComplete()
