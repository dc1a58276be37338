"""The query assistant window: a thin view over engine/ calls made from worker threads."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.chart_view import ChartView
from app.results_model import ResultsModel
from app.sql_highlighter import SqlHighlighter
from app.tasks import TaskRunner
from app.trace_view import trace_html
from engine.llm.registry import ModelRegistry
from engine.result import AskResult
from engine.workspace import Workspace

PRIVACY = "Local only: the model, the index and your data never leave this machine."


class QuestionBox(QPlainTextEdit):
    """Multi-line question input: Ctrl+Enter asks, Up/Down walk the history."""

    submitted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.history: list[str] = []
        self.pos = 0
        self.setPlaceholderText("Ask a question about your data, e.g. “Which 5 artists have the most albums?”  (Ctrl+Enter)")
        self.setMaximumHeight(80)

    def remember(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self.pos = len(self.history)

    def keyPressEvent(self, event):  # noqa: N802 - Qt API
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and event.modifiers() & Qt.ControlModifier:
            self.submitted.emit()
            return
        cursor = self.textCursor()
        if event.key() == Qt.Key_Up and cursor.blockNumber() == 0 and self.history:
            self.pos = max(0, self.pos - 1)
            self.setPlainText(self.history[self.pos])
            return
        if event.key() == Qt.Key_Down and cursor.blockNumber() == self.blockCount() - 1 and self.history:
            self.pos = min(len(self.history), self.pos + 1)
            self.setPlainText(self.history[self.pos] if self.pos < len(self.history) else "")
            return
        super().keyPressEvent(event)


class MainWindow(QMainWindow):
    answered = Signal(object)  # AskResult, for tests and other views
    failed = Signal(str)  # a readable message: connect, ask or run failed
    connected = Signal(object)  # the Session, once its schema and index are ready

    def __init__(self, workspace: Workspace, db_url: str | None = None):
        super().__init__()
        self.ws = workspace
        self.registry = ModelRegistry(workspace.models_dir)
        self.tasks = TaskRunner(self)
        self.session = None
        self.model = None
        self.fallback = None  # the fallback model, loaded only when an answer comes up empty
        self.last: AskResult | None = None
        self.conversation: list[tuple[str, str]] = []
        self.setWindowTitle("sqlsage — ask your database")
        self.resize(1280, 800)
        self._build()
        if db_url:
            self.connect_db(db_url)

    # -- layout -----------------------------------------------------------------
    def _build(self) -> None:
        split = QSplitter(Qt.Horizontal)
        side = QWidget()
        sl = QVBoxLayout(side)
        self.db_label = QLabel("No database")
        self.db_label.setWordWrap(True)
        self.conn_list = QListWidget()
        self.conn_list.setMaximumHeight(110)
        self.conn_list.setToolTip("Saved connections: double-click to open")
        self.conn_list.itemDoubleClicked.connect(lambda item: self.open_saved(item.text()))
        conn_row = QHBoxLayout()
        connect_btn = QPushButton("New connection…")
        connect_btn.clicked.connect(self.open_connection_dialog)
        remove_btn = QPushButton("Remove")
        remove_btn.setToolTip("Forget the selected saved connection (and its keyring password)")
        remove_btn.clicked.connect(self.remove_saved)
        conn_row.addWidget(connect_btn)
        conn_row.addWidget(remove_btn)
        self.filter = QLineEdit(placeholderText="Filter tables and columns")
        self.filter.textChanged.connect(self._filter_tree)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Schema (✓ = pinned)", "type"])
        self.tree.itemChanged.connect(self._pin_changed)
        sl.addWidget(QLabel("<b>Connections</b>"))
        sl.addWidget(self.conn_list)
        sl.addLayout(conn_row)
        sl.addWidget(self.db_label)
        sl.addWidget(self.filter)
        sl.addWidget(self.tree)
        split.addWidget(side)

        main = QWidget()
        ml = QVBoxLayout(main)
        top = QHBoxLayout()
        self.question = QuestionBox()
        self.question.submitted.connect(self.ask)
        top.addWidget(self.question)
        buttons = QVBoxLayout()
        self.ask_btn = QPushButton("Ask")
        self.ask_btn.setToolTip("Ctrl+Enter")
        self.ask_btn.clicked.connect(self.ask)
        self.refine_btn = QPushButton("Refine")
        self.refine_btn.setToolTip("Ask a follow-up on the current answer")
        self.refine_btn.clicked.connect(lambda: self.ask(refine=True))
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.clicked.connect(self.cancel)
        self.cancel_btn.setEnabled(False)
        for b in (self.ask_btn, self.refine_btn, self.cancel_btn):
            buttons.addWidget(b)
        top.addLayout(buttons)
        ml.addLayout(top)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Model:"))
        self.model_box = QComboBox()
        self._fill_models()
        self.model_box.activated.connect(self._model_chosen)
        bar.addWidget(self.model_box)
        bar.addStretch(1)
        self.up_btn = QPushButton("✓ Correct")
        self.up_btn.clicked.connect(self.thumbs_up)
        self.down_btn = QPushButton("✗ Fix it")
        self.down_btn.clicked.connect(self.thumbs_down)
        for b in (self.up_btn, self.down_btn):
            b.setEnabled(False)
            bar.addWidget(b)
        ml.addLayout(bar)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        ml.addWidget(self.message)

        self.tabs = QTabWidget()
        res = QWidget()
        rl = QVBoxLayout(res)
        self.results = ResultsModel(self)
        self.table = QTableView()
        self.table.setModel(self.results)
        self.table.setAlternatingRowColors(True)
        rl.addWidget(self.table)
        rb = QHBoxLayout()
        self.rows_label = QLabel("")
        copy_btn = QPushButton("Copy")
        copy_btn.clicked.connect(self.copy_results)
        csv_btn = QPushButton("Export CSV…")
        csv_btn.clicked.connect(self.export_csv)
        rb.addWidget(self.rows_label)
        rb.addStretch(1)
        rb.addWidget(copy_btn)
        rb.addWidget(csv_btn)
        rl.addLayout(rb)
        self.tabs.addTab(res, "Results")

        chart = QWidget()
        cl = QVBoxLayout(chart)
        self.chart_kind = QComboBox()
        self.chart_kind.addItems(["bar", "line"])
        self.chart_kind.currentTextChanged.connect(lambda k: self.chart.show_result(self.results.columns, self.results.rows, k))
        self.chart = ChartView()
        cl.addWidget(self.chart_kind)
        cl.addWidget(self.chart)
        self.tabs.addTab(chart, "Chart")

        sqlw = QWidget()
        sql_l = QVBoxLayout(sqlw)
        self.sql_edit = QPlainTextEdit()
        self.sql_edit.setPlaceholderText("The model's SQL streams here; edit it and press Run.")
        SqlHighlighter(self.sql_edit.document())
        run_btn = QPushButton("Run (read-only)")
        run_btn.clicked.connect(self.run_edited_sql)
        sql_l.addWidget(self.sql_edit)
        sql_l.addWidget(run_btn)
        self.tabs.addTab(sqlw, "SQL")

        self.trace = QTextBrowser()
        self.tabs.addTab(self.trace, "Trace")

        saved = QWidget()
        sv = QVBoxLayout(saved)
        self.saved_list = QListWidget()
        del_btn = QPushButton("Delete selected")
        del_btn.clicked.connect(self.delete_saved)
        edit_btn = QPushButton("Edit SQL of selected…")
        edit_btn.clicked.connect(self.edit_saved)
        self.saved_list.itemDoubleClicked.connect(lambda _item: self.edit_saved())
        sv.addWidget(QLabel("Saved question → SQL pairs: used as examples and as fine-tuning data."))
        sv.addWidget(self.saved_list)
        sv.addWidget(edit_btn)
        sv.addWidget(del_btn)
        self.tabs.addTab(saved, "Saved examples")
        ml.addWidget(self.tabs)
        split.addWidget(main)
        split.setSizes([300, 980])
        self.setCentralWidget(split)
        self.status_model = QLabel("")
        self.status_db = QLabel("no database")
        self.status_time = QLabel("")
        for w in (self.status_model, self.status_db, self.status_time):
            self.statusBar().addPermanentWidget(w)
        privacy = QLabel("🔒 local only")
        privacy.setToolTip(PRIVACY)
        self.statusBar().addPermanentWidget(privacy)
        self._show_active_model()
        self._fill_connections()
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction("New connection…", self.open_connection_dialog)
        file_menu.addAction("Open URL…", self._ask_url)
        file_menu.addAction("Import schema, docs, examples…", self.open_import_wizard)
        file_menu.addSeparator()
        file_menu.addAction("Settings…", self.open_settings)
        file_menu.addAction("Quit", self.close, QKeySequence.Quit)
        menu = self.menuBar().addMenu("&Models")
        menu.addAction("Model manager…", self.open_model_manager)
        menu.addAction("Fine-tune on this database…", self.open_finetune_wizard)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.ask)

    def _fill_models(self) -> None:
        self.model_box.clear()
        active = self.registry.active()
        for spec in self.registry.list():
            self.model_box.addItem(spec.name)
        self.model_box.setCurrentText(active)

    def open_model_manager(self):
        from app.model_manager import ModelManager

        dlg = ModelManager(self.ws, self)
        dlg.activated.connect(self._model_activated)
        dlg.show()
        return dlg

    def open_finetune_wizard(self):
        if self.session is None:
            self.show_error("Connect a database first: the wizard learns from its schema and saved pairs.")
            return None
        from app.finetune_wizard import FinetuneWizard

        wiz = FinetuneWizard(self.ws, self.session.url, self)
        wiz.deployed.connect(self._model_activated)
        wiz.show()
        return wiz

    def _model_activated(self, name: str) -> None:
        """The next question uses the newly active model: no restart."""
        self._fill_models()
        self._show_active_model()
        self.status(f"Model {name} is active; the next question uses it.")

    def _model_chosen(self, _i: int) -> None:
        name = self.model_box.currentText()
        self.registry.set_active(name)
        self._show_active_model()
        self.status(f"Model {name} is active; the next question uses it.")

    def _show_active_model(self) -> None:
        self.status_model.setText(f"model: {self.registry.active()}")

    def open_settings(self):
        from app.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.ws, self)
        dlg.accepted.connect(lambda: self.status("Settings saved; the next question uses them."))
        dlg.show()
        return dlg

    def open_import_wizard(self):
        from app.import_wizard import ImportWizard

        wiz = ImportWizard(self.ws, self.session.url if self.session else None, self)
        wiz.imported.connect(self._imported)
        wiz.show()
        return wiz

    def _imported(self, url: str | None) -> None:
        """Re-open the database the import touched, so the tree and index show the new knowledge."""
        if url:
            self.connect_db(url)

    def status(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    def show_error(self, text: str) -> None:
        self.message.setStyleSheet("color: #d93025")
        self.message.setText(text)

    def show_info(self, text: str) -> None:
        self.message.setStyleSheet("")  # the palette's text colour, light or dark
        self.message.setText(text)

    # -- connection ---------------------------------------------------------------
    def _fill_connections(self) -> None:
        from engine.connections import list_connections

        self.conn_list.clear()
        saved = list_connections(self.ws)
        for c in saved:
            item = QListWidgetItem(c.name)
            item.setToolTip(c.url + ("  (password in the OS keyring)" if c.has_password else ""))
            self.conn_list.addItem(item)
        if not saved:
            hint = QListWidgetItem("No saved connections yet:\nNew connection… adds one.")
            hint.setFlags(Qt.NoItemFlags)
            self.conn_list.addItem(hint)

    def open_connection_dialog(self):
        from app.connection_dialog import ConnectionDialog

        dlg = ConnectionDialog(self.ws, self)

        def accepted():
            self._fill_connections()
            self.connect_db(dlg.saved_url)

        dlg.accepted.connect(accepted)
        dlg.show()
        return dlg

    def open_saved(self, name: str, password: str | None = None) -> None:
        """Connect a saved connection; without a keyring the password is asked for each time."""
        from engine.connections import NoKeyring, list_connections, resolve_url

        conn = next((c for c in list_connections(self.ws) if c.name == name), None)
        if conn is None:
            return
        try:
            url = resolve_url(conn, password)
        except NoKeyring as exc:
            password, ok = QInputDialog.getText(self, f"Password for {name}", str(exc), QLineEdit.Password)
            if not ok:
                return
            url = resolve_url(conn, password)
        self.connect_db(url)

    def remove_saved(self) -> None:
        from engine.connections import remove_connection

        item = self.conn_list.currentItem()
        if item is not None:
            remove_connection(self.ws, item.text())
            self._fill_connections()

    def _ask_url(self) -> None:
        url, ok = QInputDialog.getText(self, "Connect", "SQLAlchemy URL (sqlite:///file.db, postgresql://user@host/db):")
        if ok and url.strip():
            self.connect_db(url.strip())

    def connect_db(self, url: str) -> None:
        from engine.execute.connect import redact_url
        from engine.session import open_session

        self.show_info(f"Opening {redact_url(url)} — reading the schema and building the index…")
        self.tasks.start(lambda report: open_session(self.ws, url), self._connected, self._failed)

    def _connected(self, session) -> None:
        import sqlalchemy as sa

        from engine.execute.connect import redact_url

        self.session = session
        if not sa.make_url(session.url).password:  # never write a password into settings.json
            self.ws.save_settings({**self.ws.settings(), "last_db": session.url})
        self.status_db.setText(f"db: {session.catalog.name}")
        self.db_label.setText(f"<b>{session.catalog.name}</b><br>{redact_url(session.url)}<br>{len(session.catalog.tables)} tables")
        self._fill_tree()
        self._fill_saved()
        self.show_info("Ready. Ask a question.")
        self.connected.emit(session)

    def _fill_tree(self) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        pinned = {p.lower() for p in self.session.pinned}
        for t in self.session.catalog.tables:
            item = QTreeWidgetItem([t.name, f"{len(t.columns)} columns"])
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(0, Qt.Checked if t.name.lower() in pinned else Qt.Unchecked)
            item.setToolTip(0, t.comment or t.name)
            fks = {fk.columns[0]: f"→ {fk.ref_table}" for fk in t.foreign_keys if fk.columns}
            for c in t.columns:
                marks = " ".join(x for x in ("PK" if c.primary_key else "", fks.get(c.name, "")) if x)
                child = QTreeWidgetItem([f"{c.name} {marks}".strip(), c.type])
                tip = c.comment + (("\ne.g. " + ", ".join(c.samples)) if c.samples else "")
                child.setToolTip(0, tip.strip() or c.name)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(0)
        self.tree.blockSignals(False)

    def _filter_tree(self, text: str) -> None:
        text = text.lower()
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            kids = [item.child(j) for j in range(item.childCount())]
            match_kids = [k for k in kids if text in k.text(0).lower()]
            for k in kids:
                k.setHidden(bool(text) and k not in match_kids and text not in item.text(0).lower())
            item.setHidden(bool(text) and text not in item.text(0).lower() and not match_kids)
            item.setExpanded(bool(text) and bool(match_kids))

    def _pin_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self.session is None or item.parent() is not None:
            return
        pinned = [self.tree.topLevelItem(i).text(0) for i in range(self.tree.topLevelItemCount()) if self.tree.topLevelItem(i).checkState(0) == Qt.Checked]
        self.session.pinned = pinned
        self.ws.set_pinned(self.session.url, pinned)
        self.status(f"Pinned: {', '.join(pinned) or 'none'}")

    # -- asking -------------------------------------------------------------------------
    def ask(self, refine: bool = False) -> None:
        question = self.question.toPlainText().strip()
        if not question:
            return
        if self.session is None:
            self.show_error("Connect a database first (Connect… in the sidebar).")
            return
        if self.tasks.busy():
            self.status("Still working on the previous question — Cancel it first.")
            return
        from engine.llm.loader import load_fallback, load_model
        from engine.pipeline import ask
        from engine.settings import load_settings

        if not refine:
            self.conversation = []
        history = list(self.conversation[-3:])
        self.question.remember(question)
        self.sql_edit.setPlainText("SELECT")
        self.tabs.setCurrentIndex(2)
        self._busy(True)
        self.show_info("Thinking…")
        session = self.session
        settings = load_settings(self.ws)

        def work(report):
            self.model = load_model(self.registry, self.registry.active(), n_threads=settings.threads, n_ctx=settings.context_size)
            self.fallback = load_fallback(self.registry, settings, self.model)
            return ask(question, session, self.model, settings.options(history=history, fallback_model=self.fallback), on_token=report)

        self.tasks.start(work, self._answered, self._failed, self._token)

    def _token(self, text: object) -> None:
        cursor = self.sql_edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(str(text))

    def _answered(self, result: AskResult) -> None:
        self._busy(False)
        self.last = result
        self.sql_edit.setPlainText(result.sql)
        self.trace.setHtml(trace_html(result))
        if result.ok:
            self.conversation.append((result.question, result.sql))
            self._show_rows(result.columns, result.rows, result.truncated, result.trace.timings.get("total", 0))
            if self.model is not None and result.trace.model not in ("", self.model.name):
                self.show_info(f"{self.message.text()} — answered by the fallback model {result.trace.model} (see the Trace tab)")
            self.tabs.setCurrentIndex(0)
        else:
            self.results.set_result([], [])
            self.show_error(f"{result.error}  (details in the Trace tab)")
        self.up_btn.setEnabled(result.ok)
        self.down_btn.setEnabled(True)
        t = result.trace.timings
        self.status_time.setText(
            f"last: {t.get('total', 0):.2f} s (generate {t.get('generate', 0):.2f} s, run {t.get('execute', 0):.2f} s)"
        )
        self.answered.emit(result)

    def _show_rows(self, columns, rows, truncated: bool, seconds: float) -> None:
        self.results.set_result(columns, rows)
        self.rows_label.setText(f"{len(rows):,} rows{' (row cap reached)' if truncated else ''}")
        self.chart.show_result(columns, rows, self.chart_kind.currentText())
        self.show_info(f"{len(rows):,} rows in {seconds:.2f} s" + (" — capped; refine the question or add a LIMIT" if truncated else ""))

    def _failed(self, message: str, detail: str) -> None:
        self._busy(False)
        self.show_error(message)
        self.trace.setPlainText(detail)
        self.failed.emit(message)

    def _busy(self, busy: bool) -> None:
        self.ask_btn.setEnabled(not busy)
        self.refine_btn.setEnabled(not busy)
        self.cancel_btn.setEnabled(busy)

    def cancel(self) -> None:
        for model in (self.model, self.fallback):
            if model is not None:
                model.cancel()
        if self.session is not None:
            self.session.db.cancel()
        self.status("Cancelling…")

    def run_edited_sql(self) -> None:
        if self.session is None:
            return
        from engine.feedback import run_sql
        from engine.settings import load_settings

        sql = self.sql_edit.toPlainText()
        self._busy(True)
        session = self.session
        settings = load_settings(self.ws)

        def done(out):
            self._busy(False)
            checked, res = out
            self._show_rows(res.columns, res.rows, res.truncated, res.seconds)
            self.tabs.setCurrentIndex(0)

        self.tasks.start(lambda report: run_sql(session, sql, settings.row_cap, settings.timeout_s), done, self._failed)

    # -- feedback ----------------------------------------------------------------------
    def thumbs_up(self) -> None:
        if self.last is None or not self.last.ok:
            return
        self._save(self.last.question, self.last.sql, "thumbs-up")

    def thumbs_down(self) -> None:
        if self.last is None:
            return
        sql, ok = QInputDialog.getMultiLineText(self, "Correct the SQL", "The right SQL for this question:", self.sql_edit.toPlainText())
        if ok and sql.strip():
            self._save(self.last.question, sql, "corrected")

    def _save(self, question: str, sql: str, source: str) -> None:
        from engine.feedback import save_example

        session = self.session

        def done(_record):
            self._fill_saved()
            self.status("Saved: it will be used as an example and for fine-tuning.")

        self.tasks.start(lambda report: save_example(session, question, sql, source), done, self._failed)

    def _fill_saved(self) -> None:
        from engine.feedback import list_examples

        self.saved_list.clear()
        for r in list_examples(self.session):
            item = QListWidgetItem(f"{r['question']}\n    {r['sql']}")
            item.setData(Qt.UserRole, r["question"])
            self.saved_list.addItem(item)

    def edit_saved(self, new_sql: str | None = None) -> None:
        """Change a saved pair's SQL; it is re-validated and re-executed before it replaces the old one."""
        item = self.saved_list.currentItem()
        if item is None or self.session is None:
            return
        question = item.data(Qt.UserRole)
        if new_sql is None:
            old = item.text().split("\n", 1)[-1].strip()
            new_sql, ok = QInputDialog.getMultiLineText(self, "Edit saved example", question, old)
            if not ok:
                return
        self._save(question, new_sql, "edited")

    def delete_saved(self) -> None:
        from engine.feedback import delete_example

        item = self.saved_list.currentItem()
        if item is None or self.session is None:
            return
        session, q = self.session, item.data(Qt.UserRole)
        self.tasks.start(lambda report: delete_example(session, q), lambda _: self._fill_saved(), self._failed)

    # -- results ----------------------------------------------------------------------
    def copy_results(self) -> None:
        lines = ["\t".join(self.results.columns)] + ["\t".join("" if v is None else str(v) for v in r) for r in self.results.rows]
        QGuiApplication.clipboard().setText("\n".join(lines))
        self.status(f"Copied {len(self.results.rows)} rows.")

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export CSV", "result.csv", "CSV (*.csv)")
        if path:
            self.results.to_csv(path)
            self.status(f"Wrote {path}")

    def closeEvent(self, event):  # noqa: N802 - Qt API
        if self.tasks.busy():
            self.cancel()
            self.tasks.wait(5000)
        super().closeEvent(event)

