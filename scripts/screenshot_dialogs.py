"""Render the connection dialog, settings dialog and import wizard into docs/screenshots/ (offscreen).

The main window is shot for real under Xvfb by scripts/screenshots.sh.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait(app, cond, seconds=120.0):
    import time

    end = time.time() + seconds
    while not cond() and time.time() < end:
        app.processEvents()
        time.sleep(0.02)


def main(out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.connection_dialog import ConnectionDialog
    from app.import_wizard import ImportWizard
    from app.settings_dialog import SettingsDialog
    from app.theme import apply_system_palette
    from engine.workspace import Workspace

    app = QApplication([])
    apply_system_palette(app)
    tmp = Path(tempfile.mkdtemp())
    ws = Workspace(tmp / "ws")
    out.mkdir(parents=True, exist_ok=True)

    dlg = ConnectionDialog(ws)
    dlg.name.setText("chinook")
    dlg.path.setText(str(ROOT / "assets" / "chinook.sqlite"))
    dlg.show()
    dlg.test_connection()
    wait(app, lambda: dlg.test_btn.isEnabled())
    dlg.grab().save(str(out / "connection_dialog.png"))
    dlg.kind.setCurrentText("PostgreSQL")
    dlg.database.setText("sales")
    dlg.user.setText("analyst")
    dlg.port.setValue(1)
    dlg.test_connection()
    wait(app, lambda: dlg.test_btn.isEnabled())
    dlg.grab().save(str(out / "connection_dialog_error.png"))

    sd = SettingsDialog(ws)
    sd.show()
    sd.resize(sd.sizeHint())  # the offscreen screen is 600 px high: Qt caps a new window to it
    app.processEvents()
    sd.grab().save(str(out / "settings_dialog.png"))

    ddl = tmp / "shop.sql"
    ddl.write_text(
        "CREATE TABLE customer (id INT PRIMARY KEY, name TEXT, country TEXT);\n"
        "CREATE TABLE broken (;\n"
        "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT REFERENCES customer(id), total NUMERIC);\n"
    )
    notes = tmp / "terms.md"
    notes.write_text("# Business terms\n\nAn active customer ordered in the last 90 days.\n")
    wiz = ImportWizard(ws)
    wiz.show()
    wiz.source_page.buttons["ddl"].setChecked(True)
    app.processEvents()
    wiz.grab().save(str(out / "import_1_source.png"))
    wiz.next()
    wiz.options_page.ddl.add([ddl])
    wiz.options_page.docs.add([notes])
    wiz.options_page.name.setText("shop")
    app.processEvents()
    wiz.grab().save(str(out / "import_2_options.png"))
    wiz.next()
    wait(app, lambda: wiz.currentPage() is wiz.summary_page)
    app.processEvents()
    wiz.grab().save(str(out / "import_3_summary.png"))
    print(f"wrote dialogs to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
