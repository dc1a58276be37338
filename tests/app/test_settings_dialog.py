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
    assert dlg.when_lacking.isChecked()  # on by default
    dlg.when_lacking.setChecked(False)
    dlg.save()
    s = load_settings(window.ws)
    assert (s.row_cap, s.repair_attempts, s.constrained_decoding, s.rag_fallback, s.skeleton_samples) == (7, 0, True, False, 3)
    assert s.options().skeleton_samples == 3 and not s.resample_empty and not s.options().resample_empty
    assert s.failure_samples == 2 and s.options().failure_samples == 2
    assert not s.literal_linking and not s.options().literal_linking
    assert not s.fallback_when_lacking and not s.options().fallback_when_lacking
    scripted.outputs = [" Name FROM Track"]
    result = ask(qtbot, window, "List all track names")
    assert result.ok and window.results.rowCount() == 7 and result.truncated
    assert "row cap" in window.rows_label.text()
    assert window.status_time.text().startswith("last: ")
    dlg = window.open_settings()
    dlg.show_values(AskSettings())
    dlg.save()
    assert load_settings(window.ws) == AskSettings()


def test_the_fallback_model_is_chosen_in_the_dialog_and_asked_when_the_answer_is_empty(qtbot, window, monkeypatch):  # noqa: F811
    from engine.llm import loader
    from tests.engine.test_fallback_model import Named

    dlg = window.open_settings()
    assert dlg.fallback_model.currentData() == "gemma3-270m-sql"  # the bundled fine-tune by default
    names = [dlg.fallback_model.itemData(i) for i in range(dlg.fallback_model.count())]
    assert {"smollm2-135m", "gemma3-270m", "smollm2-135m-sql"} <= set(names)
    dlg.fallback_model.setCurrentIndex(names.index("gemma3-270m"))
    dlg.save()
    assert load_settings(window.ws).fallback_model == "gemma3-270m"
    models = {"gemma3-270m": Named("gemma3-270m", [" COUNT(*) FROM Album"], "plain")}
    first = Named("smollm2-135m-sql", [" Title FROM Album WHERE Title = 'zzz'"] * 20)
    monkeypatch.setattr(loader, "load_model", lambda reg, name=None, **k: models.get(name, first))
    result = ask(qtbot, window, "How many albums?")
    assert result.rows == [[347]] and result.trace.model == "gemma3-270m"
    assert "asked gemma3-270m instead" in result.trace.notes[0]
    assert window.message.text().startswith("1 rows in ")
    assert window.message.text().endswith("answered by the fallback model gemma3-270m (see the Trace tab)")
    dlg = window.open_settings()
    assert dlg.fallback_model.currentData() == "gemma3-270m"
    window.ws.save_settings({**window.ws.settings(), "ask": {**window.ws.settings()["ask"], "fallback_model": "removed-model"}})
    assert window.open_settings().fallback_model.currentData() == ""  # a name no longer registered shows as none
