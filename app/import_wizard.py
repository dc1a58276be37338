"""Import wizard: source → options → progress → summary, over engine.importer.run_import.

The same import is `sqlsage import --db URL | --ddl FILE… | --docs FILE | --examples FILE`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.tasks import TaskRunner
from engine.workspace import Workspace

SOURCES = ("database", "ddl", "knowledge")
DIALECTS = ("postgres", "mysql", "sqlite", "duckdb", "tsql", "snowflake", "bigquery", "oracle")


class FileList(QWidget):
    """A list of chosen files with Add/Remove; `paths()` is what the import receives."""

    def __init__(self, title: str, pattern: str, parent=None):
        super().__init__(parent)
        self.title, self.pattern = title, pattern
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setMaximumHeight(70)
        buttons = QVBoxLayout()
        add, remove = QPushButton("Add…"), QPushButton("Remove")
        add.clicked.connect(self._choose)
        remove.clicked.connect(lambda: self.list.takeItem(self.list.currentRow()))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        lay.addWidget(self.list, 1)
        lay.addLayout(buttons)

    def _choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.title, "", self.pattern)
        self.add(paths)

    def add(self, paths) -> None:
        for p in paths:
            self.list.addItem(str(p))

    def paths(self) -> list[Path]:
        return [Path(self.list.item(i).text()) for i in range(self.list.count())]


class SourcePage(QWizardPage):
    def __init__(self, current_url: str | None):
        super().__init__()
        self.setTitle("What to import")
        self.setSubTitle("A live database, schema files without any database, or docs and example pairs for one you have.")
        lay = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        labels = {
            "database": "A live database — read its tables, keys, comments and sample values (read-only)",
            "ddl": "DDL files (.sql, any dialect) or a Spider tables.json — no database needed",
            "knowledge": "Docs, notes and question→SQL pairs for the current database",
        }
        self.buttons = {}
        for i, key in enumerate(SOURCES):
            b = QRadioButton(labels[key])
            self.group.addButton(b, i)
            lay.addWidget(b)
            self.buttons[key] = b
        self.url = QLineEdit(current_url or "")
        self.url.setPlaceholderText("sqlite:///file.db, postgresql://user@host/db, duckdb:///file.duckdb")
        form = QFormLayout()
        form.addRow("Database URL", self.url)
        lay.addLayout(form)
        self.buttons["knowledge"].setEnabled(bool(current_url))
        self.buttons["database" if not current_url else "knowledge"].setChecked(True)
        self.group.idToggled.connect(lambda *_: self.completeChanged.emit())
        self.url.textChanged.connect(lambda *_: self.completeChanged.emit())

    def source(self) -> str:
        return SOURCES[self.group.checkedId()]

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.source() == "ddl" or bool(self.url.text().strip())


class OptionsPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("Options")
        self.setSubTitle("Everything is checked before it is indexed: unparseable statements and invalid pairs are listed, not imported.")
        form = QFormLayout(self)
        self.ddl = FileList("DDL files", "SQL or tables.json (*.sql *.ddl *.json);;All files (*)")
        self.dialect = QComboBox()
        self.dialect.addItems(DIALECTS)
        self.name = QLineEdit(placeholderText="name of the offline catalog (default: the first file's name)")
        self.docs = FileList("Docs", "Docs (*.json *.csv *.md *.markdown *.txt);;All files (*)")
        self.examples = FileList("Example pairs", "Pairs (*.json *.csv);;All files (*)")
        self.ddl_rows = [("Schema files", self.ddl), ("Dialect", self.dialect), ("Catalog name", self.name)]
        for label, w in self.ddl_rows:
            form.addRow(label, w)
        form.addRow("Column docs / notes", self.docs)
        form.addRow("Question→SQL pairs", self.examples)
        self.form = form

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        ddl = self.wizard().source_page.source() == "ddl"
        for _label, w in self.ddl_rows:
            self.form.setRowVisible(w, ddl)

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        src = self.wizard().source_page.source()
        if src == "ddl" and not self.ddl.paths():
            self.setSubTitle("Add at least one DDL file (or a Spider tables.json).")
            return False
        if src == "knowledge" and not (self.docs.paths() or self.examples.paths()):
            self.setSubTitle("Add a docs file or an example-pairs file to import.")
            return False
        return True


class ProgressPage(QWizardPage):
    """Runs the import in a worker; the previous catalog and index stay in use until it finishes."""

    def __init__(self):
        super().__init__()
        self.setTitle("Importing")
        lay = QVBoxLayout(self)
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addStretch(1)
        self.done = False
        self.summary = None
        self.error: str | None = None

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        from engine.importer import run_import

        wiz = self.wizard()
        kw = wiz.import_arguments()
        self.done, self.summary, self.error = False, None, None
        self.label.setText("Reading the schema…")
        self.bar.setRange(0, 0)

        def work(report):
            return run_import(wiz.ws, progress=lambda d, t, what="": report((d, t, what)), **kw)

        wiz.tasks.start(work, self._finished, self._failed, self._progress)

    def _progress(self, value) -> None:
        done, total, what = value
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.label.setText(f"{what or 'reading'}: {done:,} / {total:,}")

    def _finished(self, summary) -> None:
        self.summary, self.done = summary, True
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.label.setText("Done.")
        self.completeChanged.emit()
        self.wizard().next()

    def _failed(self, message: str, _detail: str) -> None:
        self.error, self.done = message, True
        self.bar.setRange(0, 1)
        self.label.setText(f"Import failed: {message}\nNothing already imported was changed.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.done and self.error is None


class SummaryPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("Summary")
        self.setSubTitle("What was imported, what was skipped and why.")
        lay = QVBoxLayout(self)
        self.text = QPlainTextEdit(readOnly=True)
        lay.addWidget(self.text)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        summary = self.wizard().progress_page.summary
        self.text.setPlainText("\n".join(summary.lines()) if summary else "")


class ImportWizard(QWizard):
    imported = Signal(object)  # the URL whose catalog changed, or None for an offline catalog

    def __init__(self, ws: Workspace, current_url: str | None = None, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.current_url = current_url
        self.tasks = TaskRunner(self)
        self.setWindowTitle("Import schema, docs and examples")
        self.resize(760, 520)
        self.source_page = SourcePage(current_url)
        self.options_page = OptionsPage()
        self.progress_page = ProgressPage()
        self.summary_page = SummaryPage()
        for p in (self.source_page, self.options_page, self.progress_page, self.summary_page):
            self.addPage(p)
        self.finished.connect(self._emit_imported)

    def import_arguments(self) -> dict:
        src, opts = self.source_page.source(), self.options_page
        kw = {"docs": opts.docs.paths() or None, "examples": opts.examples.paths() or None}
        if src == "ddl":
            kw.update(ddl=opts.ddl.paths(), dialect=opts.dialect.currentText(), name=opts.name.text().strip() or None)
        else:
            kw["db"] = self.source_page.url.text().strip()
        return kw

    def _emit_imported(self, _code: int) -> None:
        if self.progress_page.summary is not None and self.source_page.source() != "ddl":
            self.imported.emit(self.source_page.url.text().strip())
