"""Walk the fine-tuning wizard end to end on a tiny real CPU run, with pause and resume."""

import json
import os
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")
pytest.importorskip("peft", reason="the finetune extra is not installed")

from app.main_window import MainWindow  # noqa: E402
from engine.llm.registry import ModelRegistry
from finetune.train import PRESETS, TrainConfig  # noqa: E402

# scripts/screenshots.sh sets this to docs/screenshots; a plain test run leaves the repo untouched
SHOTS = Path(os.environ.get("SQLSAGE_SCREENSHOTS") or tempfile.mkdtemp(prefix="sqlsage-shots-"))


def shot(widget, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def tiny_settings(settings):
    """A few real CPU steps with a small LoRA: enough to train, checkpoint, pause and resume."""
    settings.steps.setValue(6)
    if settings.rank.isEnabled():  # a continued adapter keeps its own rank and alpha
        settings.rank.setValue(4)
        settings.alpha.setValue(8)
    settings.lr.setValue(0.001)


def wait(qtbot, cond, timeout, why):
    """waitUntil that says what the page showed when it gave up."""
    try:
        qtbot.waitUntil(cond, timeout=timeout)
    except Exception as exc:
        raise AssertionError(f"gave up waiting; the page said: {why()}") from exc


def test_wizard_end_to_end(qtbot, workspace, chinook_url, monkeypatch):
    win = MainWindow(workspace, chinook_url)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.session is not None, timeout=60000)
    from engine.feedback import save_example

    # the regression set: pairs the user saved as correct for this database
    save_example(win.session, "How many albums are there?", "SELECT count(*) FROM Album")
    save_example(win.session, "List the names of all genres", "SELECT Name FROM Genre")
    wiz = win.open_finetune_wizard()
    qtbot.addWidget(wiz)

    data = wiz.data_page
    data.saved.setChecked(False)
    data.synth.setValue(40)
    data.held.setValue(4)
    data.prepare()
    qtbot.waitUntil(lambda: data.isComplete(), timeout=120000)
    assert data.preview.rowCount() > 10 and "held out" in data.summary.text()
    shot(wiz, "wizard_1_data.png")
    wiz.next()

    page = wiz.settings_page
    # the default is to continue the active version's adapter: its rank and alpha win, so the
    # spin boxes show them (the shipped adapter: r=16, alpha=32) and are off
    start = page.start
    assert start.currentData() == ModelRegistry(workspace.models_dir).active() == "smollm2-135m-sql"
    assert not page.rank.isEnabled() and (page.rank.value(), page.alpha.value()) == (16, 32)
    page.preset.setCurrentText("thorough" if "thorough" in PRESETS else list(PRESETS)[-1])
    assert (page.rank.value(), page.alpha.value()) == (16, 32)  # a preset does not change a continued adapter
    start.setCurrentIndex(0)  # a new adapter: the preset's values, editable
    cfg = TrainConfig(**PRESETS[page.preset.currentText()])
    assert page.rank.isEnabled() and (page.rank.value(), page.alpha.value()) == (cfg.rank, cfg.alpha)
    start.setCurrentIndex(start.findData("smollm2-135m-sql"))
    page.preset.setCurrentText("quick")
    tiny_settings(page)
    assert wiz.settings_page.config().init_adapter.endswith("smollm2-135m-spider-sql.gguf")
    page.estimate()  # two measured steps in a scratch copy of the prepared data (every prompt style's file)
    wait(qtbot, lambda: "per step" in page.estimate_label.text(), 600000, page.estimate_label.text)
    shot(wiz, "wizard_2_settings.png")
    wiz.next()

    train = wiz.train_page
    train.start()
    wait(qtbot, lambda: train.bar.value() >= 1, 600000, train.label.text)
    train.pause()
    wait(qtbot, lambda: train.result is not None, 600000, train.label.text)
    assert train.result.stopped and not train.isComplete()
    paused_at = train.result.steps
    assert (wiz.run_dir / "checkpoint" / "state.json").exists()
    train.start()  # resume from the checkpoint, then close the wizard mid-run
    wait(qtbot, lambda: train.bar.value() > paused_at, 600000, train.label.text)
    wiz.reject()  # closing stops at a checkpoint; nothing is lost
    closed_at = json.loads((wiz.run_dir / "checkpoint" / "state.json").read_text())["step"]
    assert closed_at > paused_at

    wiz = win.open_finetune_wizard()  # a new wizard offers the unfinished run
    qtbot.addWidget(wiz)
    data = wiz.data_page
    assert data.resume_btn.isVisible() and f"step {closed_at}" in data.resume_btn.text()
    data.resume()
    assert data.isComplete()
    wiz.next()
    tiny_settings(wiz.settings_page)
    wiz.next()
    train = wiz.train_page
    assert f"checkpoint at step {closed_at}" in train.label.text()
    train.start()
    wait(qtbot, lambda: train.isComplete(), 900000, train.label.text)
    assert train.result.steps == 6 and train.result.steps > paused_at
    shot(wiz, "wizard_3_train.png")
    wiz.next()

    ev = wiz.evaluate_page
    wait(qtbot, lambda: ev.isComplete(), 900000, ev.label.text)
    assert "EX" in ev.label.text() and ev.table.rowCount() >= 1
    assert ev.table.item(0, 1).text() == f"{ev.comparison.before:.3f}"
    last = ev.table.rowCount() - 1
    assert ev.table.item(last, 0).text().startswith("regression set") and ev.table.item(last, 3).text() == "2"
    rb, ra, rn = ev.comparison.regression
    assert rn == 2 and ev.table.item(last, 1).text() == f"{rb}/2" and ev.table.item(last, 2).text() == f"{ra}/2"
    shot(wiz, "wizard_4_evaluate.png")
    wiz.next()

    monkeypatch.setattr(wiz, "confirm_worse", lambda comp: True)
    before = ModelRegistry(workspace.models_dir).active()
    dep = wiz.deploy_page
    dep.activate.setChecked(True)
    shot(wiz, "wizard_5_deploy.png")
    assert dep.validatePage()
    active = ModelRegistry(workspace.models_dir).active()
    assert active == ev.spec.name
    assert win.model_box.currentText() == active  # the main window picked it up without a restart

    mgr = win.open_model_manager()
    qtbot.addWidget(mgr)
    names = [mgr.table.item(i, 1).text() for i in range(mgr.table.rowCount())]
    assert active in names
    shot(mgr, "model_manager.png")
    mgr.rollback()
    assert ModelRegistry(workspace.models_dir).active() == before
    # an adapter file from elsewhere (here: the shipped one) becomes a new version on its base
    rows = mgr.table.rowCount()
    mgr.import_path(str(Path(__file__).resolve().parents[2] / "assets/adapters/smollm2-135m-spider-sql.gguf"))
    assert mgr.table.rowCount() == rows + 1 and "Imported adapter" in mgr.info.text()
