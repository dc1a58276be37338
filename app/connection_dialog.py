"""New/edit connection: a form per kind of database, a Test button, passwords to the OS keyring."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.tasks import TaskRunner
from engine.connections import KINDS, build_url, save_connection
from engine.execute.connect import check_connection, redact_url
from engine.workspace import Workspace

OK_STYLE = "color: #1b7f3b"
ERROR_STYLE = "color: #b00020"


class ConnectionDialog(QDialog):
    """`url()` is the full URL (with password) to connect with; the saved copy never holds it."""

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.tasks = TaskRunner(self)
        self.saved_url: str | None = None
        self.setWindowTitle("Connect a database")
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(placeholderText="e.g. sales (shown in the sidebar)")
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        form.addRow("Name", self.name)
        form.addRow("Kind", self.kind)
        lay.addLayout(form)

        self.pages = QStackedWidget()
        file_page = QWidget()
        fl = QHBoxLayout(file_page)
        fl.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit(placeholderText="/path/to/database file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        fl.addWidget(QLabel("File"))
        fl.addWidget(self.path, 1)
        fl.addWidget(browse)
        server_page = QWidget()
        sf = QFormLayout(server_page)
        sf.setContentsMargins(0, 0, 0, 0)
        self.host = QLineEdit("localhost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.database = QLineEdit()
        self.user = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.Password)
        self.password.setPlaceholderText("kept in the OS keyring, never in sqlsage's files")
        for label, widget in (("Host", self.host), ("Port", self.port), ("Database", self.database), ("User", self.user), ("Password", self.password)):
            sf.addRow(label, widget)
        self.pages.addWidget(file_page)
        self.pages.addWidget(server_page)
        lay.addWidget(self.pages)
        self.kind.currentTextChanged.connect(self._kind_changed)
        self._kind_changed(self.kind.currentText())

        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(self.result_label)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.test_btn = buttons.addButton("Test connection", QDialogButtonBox.ActionRole)
        self.connect_btn = buttons.addButton("Save and connect", QDialogButtonBox.AcceptRole)
        self.test_btn.clicked.connect(self.test_connection)
        buttons.accepted.connect(self.save_and_accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _kind_changed(self, kind: str) -> None:
        _, port = KINDS[kind]
        self.pages.setCurrentIndex(0 if port is None else 1)
        if port:
            self.port.setValue(port)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Database file", "", "Databases (*.sqlite *.sqlite3 *.db *.duckdb);;All files (*)")
        if path:
            self.path.setText(path)

    def url(self) -> str:
        return build_url(
            self.kind.currentText(), path=self.path.text(), host=self.host.text(), port=self.port.value(),
            database=self.database.text(), user=self.user.text(), password=self.password.text(),
        )

    def _say(self, text: str, ok: bool) -> None:
        self.result_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.result_label.setText(text)

    def _form_url(self) -> str | None:
        """The URL, or None after saying which field is missing."""
        try:
            return self.url()
        except ValueError as exc:
            self._say(str(exc), False)
            return None

    def test_connection(self) -> None:
        """Connect once in a worker thread; the answer (or what to fix) appears under the form."""
        url = self._form_url()
        if url is None:
            return
        self._say(f"Connecting to {redact_url(url)}…", True)
        self.test_btn.setEnabled(False)

        def done(message: str) -> None:
            self.test_btn.setEnabled(True)
            self._say(f"✔ {message}", True)

        def failed(message: str, _detail: str) -> None:
            self.test_btn.setEnabled(True)
            self._say(message, False)

        self.tasks.start(lambda report: check_connection(url), done, failed)

    def save_and_accept(self) -> None:
        url = self._form_url()
        if url is None:
            return
        name = self.name.text().strip() or self.database.text().strip() or self.path.text().strip().rsplit("/", 1)[-1]
        _, warning = save_connection(self.ws, name, url)
        self.saved_url = url
        if warning:
            # stays usable for this session; the next connect asks for the password again
            self._say(warning, False)
        self.accept()
