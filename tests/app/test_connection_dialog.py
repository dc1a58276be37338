"""The connection dialog: Test gives the engine's plain-language answer, Save keeps no password."""

import pytest

pytest.importorskip("pytestqt")

from app.connection_dialog import ConnectionDialog  # noqa: E402
from app.main_window import MainWindow  # noqa: E402
from engine.connections import list_connections  # noqa: E402


def answer_of_test(qtbot, dlg) -> str:
    dlg.test_connection()
    qtbot.waitUntil(lambda: dlg.test_btn.isEnabled() or "Choose" in dlg.result_label.text(), timeout=30000)
    return dlg.result_label.text()


def test_sqlite_file_found_and_not_found(qtbot, workspace, chinook_url, tmp_path):
    dlg = ConnectionDialog(workspace)
    qtbot.addWidget(dlg)
    assert "Choose the database file" in answer_of_test(qtbot, dlg)
    dlg.path.setText(str(tmp_path / "missing.db"))
    assert "SQLite file not found" in answer_of_test(qtbot, dlg)
    dlg.path.setText(chinook_url.removeprefix("sqlite:///"))
    assert answer_of_test(qtbot, dlg).startswith("✔ Connected")


def test_wrong_password_and_unreachable_server(qtbot, workspace, pg):
    dlg = ConnectionDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.kind.setCurrentText("PostgreSQL")
    assert dlg.pages.currentIndex() == 1 and dlg.port.value() == 5432
    dlg.host.setText("127.0.0.1")
    dlg.port.setValue(pg.port)
    dlg.database.setText("postgres")
    dlg.user.setText("sage")
    dlg.password.setText("wrong-password")
    assert "Wrong user name or password" in answer_of_test(qtbot, dlg)
    dlg.password.setText("hunter2-secret")
    assert answer_of_test(qtbot, dlg).startswith("✔ Connected")
    dlg.port.setValue(1)  # nothing listens there
    assert "Cannot reach the database server" in answer_of_test(qtbot, dlg)


def test_missing_driver_names_the_pip_command(qtbot, workspace, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pymysql", None)  # as if the MySQL driver were not installed
    dlg = ConnectionDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.kind.setCurrentText("MySQL / MariaDB")
    dlg.database.setText("shop")
    assert "pip install 'pymysql'" in answer_of_test(qtbot, dlg)


def test_save_and_connect_from_the_main_window(qtbot, workspace, chinook_url):
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    dlg = win.open_connection_dialog()
    dlg.name.setText("demo")
    dlg.path.setText(chinook_url.removeprefix("sqlite:///"))
    with qtbot.waitSignal(win.connected, timeout=120000):
        dlg.save_and_accept()
    assert [c.name for c in list_connections(workspace)] == ["demo"]
    assert win.conn_list.count() == 1 and win.tree.topLevelItemCount() == 11
    assert win.status_db.text() == "db: chinook"
    # a saved connection opens again from the sidebar
    win.session = None
    with qtbot.waitSignal(win.connected, timeout=120000):
        win.open_saved("demo")
