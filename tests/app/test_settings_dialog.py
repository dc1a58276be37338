import pytest

pytest.importorskip("pytestqt")

from app.settings_dialog import SettingsDialog  # noqa: E402
from engine.settings import AskSettings, load_settings  # noqa: E402
from tests.app.test_main_window import ask, scripted, window  # noqa: E402, F401


def test_settings_dialog_saves_what_the_next_ask_uses(qtbot, window, scripted):  # noqa: F811
    dlg = window.open_settings()
    assert isinstance(dlg, SettingsDialog)
    dlg.row_cap.setValue(7)
    dlg.repair_attempts.setValue(0)
    dlg.constrained.setChecked(True)
    assert dlg.fallback.isChecked()  # on by default
    dlg.fallback.setChecked(False)
    dlg.shape.setValue(3)
    assert dlg.empty.isChecked()  # on by default
    dlg.empty.setChecked(False)
    dlg.failed.setValue(2)
    assert dlg.literals.isChecked()  # on by default
    dlg.literals.setChecked(False)
    dlg.save()
    s = load_settings(window.ws)
    assert (s.row_cap, s.repair_attempts, s.constrained_decoding, s.rag_fallback, s.skeleton_samples) == (7, 0, True, False, 3)
    assert s.options().skeleton_samples == 3 and not s.resample_empty and not s.options().resample_empty
    assert s.failure_samples == 2 and s.options().failure_samples == 2
    assert not s.literal_linking and not s.options().literal_linking
    scripted.outputs = [" Name FROM Track"]
    result = ask(qtbot, window, "List all track names")
    assert result.ok and window.results.rowCount() == 7 and result.truncated
    assert "row cap" in window.rows_label.text()
    assert window.status_time.text().startswith("last: ")
    dlg = window.open_settings()
    dlg.show_values(AskSettings())
    dlg.save()
    assert load_settings(window.ws) == AskSettings()
