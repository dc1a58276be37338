"""The main window's wiring with a scripted model, then once with the real model."""

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from app.main_window import MainWindow  # noqa: E402
from engine.llm import loader  # noqa: E402
from tests.engine.test_pipeline import ScriptedModel  # noqa: E402


@pytest.fixture
def window(qtbot, workspace, chinook_url):
    win = MainWindow(workspace, chinook_url)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.session is not None, timeout=60000)
    return win


@pytest.fixture
def scripted(monkeypatch):
    model = ScriptedModel([])
    monkeypatch.setattr(loader, "load_model", lambda *a, **k: model)
    # one scripted model answers; the fallback model's wiring has its own test (test_settings_dialog)
    monkeypatch.setattr(loader, "load_fallback", lambda *a, **k: None)
    return model


def ask(qtbot, win, question, refine=False):
    win.question.setPlainText(question)
    with qtbot.waitSignal(win.answered, timeout=120000) as blocker:
        win.ask(refine=refine)
    return blocker.args[0]


def test_schema_tree_lists_tables_and_filters(window):
    assert window.tree.topLevelItemCount() == 11
    window.filter.setText("invoice")
    visible = [window.tree.topLevelItem(i).text(0) for i in range(11) if not window.tree.topLevelItem(i).isHidden()]
    assert set(visible) == {"Invoice", "InvoiceLine", "Customer"} or {"Invoice", "InvoiceLine"} <= set(visible)


def test_ask_shows_rows_chart_sql_and_trace(qtbot, window, scripted):
    scripted.outputs = [" g.Name, COUNT(*) AS tracks FROM Track t JOIN Genre g ON t.GenreId = g.GenreId GROUP BY g.Name"]
    result = ask(qtbot, window, "How many tracks per genre?")
    assert result.ok
    assert window.results.rowCount() == 25 and window.results.columns == ["Name", "tracks"]
    assert "GROUP BY" in window.sql_edit.toPlainText()
    assert "Tables in the prompt" in window.trace.toHtml()
    assert window.chart.chart().series()  # label + numeric column -> a bar chart
    assert window.up_btn.isEnabled()


def test_trace_shows_what_column_linking_fixed(qtbot, window, scripted):
    scripted.outputs = [" FirstName FROM Invoice WHERE Total > 20"]
    result = ask(qtbot, window, "First names of customers with an invoice over 20")
    assert result.ok and "JOIN Customer" in window.sql_edit.toPlainText()
    assert "linked: FirstName → Customer.FirstName (joined Customer" in window.trace.toPlainText()


def test_errors_are_readable_not_tracebacks(qtbot, window, scripted):
    # the defaults: 3 whole-schema attempts, 3 with retrieval (auto mode), then 8 failure samples
    scripted.outputs = [f" x FROM nowhere{i}" for i in range(14)]
    result = ask(qtbot, window, "nonsense")
    assert not result.ok and not scripted.outputs  # every attempt the defaults make was made
    assert any("none of 8 sampled alternatives ran" in n for n in result.trace.notes)
    assert "does not exist" in window.message.text() and "Traceback" not in window.message.text()


def test_thumbs_up_saves_only_valid_pairs(qtbot, window, scripted):
    scripted.outputs = [" COUNT(*) FROM Album"]
    ask(qtbot, window, "How many albums?")
    window.thumbs_up()
    qtbot.waitUntil(lambda: window.saved_list.count() == 1, timeout=60000)
    assert "How many albums?" in window.saved_list.item(0).text()
    # the saved pair is now retrievable as an example
    from engine.retrieval.retrieve import RetrievalSettings, retrieve

    got = retrieve("How many albums are there", window.session.catalog, window.session.index, RetrievalSettings())
    assert got.examples and "Album" in got.examples[0].sql


def test_refine_sends_the_previous_turn(qtbot, window, scripted):
    scripted.outputs = [" Name FROM Artist", " Name FROM Artist WHERE Name LIKE 'A%'"]
    ask(qtbot, window, "List artists")
    ask(qtbot, window, "only those starting with A", refine=True)
    assert "List artists" in scripted.prompts[1] and "SELECT Name FROM Artist" in scripted.prompts[1]


def test_pinned_tables_go_into_the_prompt(qtbot, window, scripted):
    item = window.tree.findItems("Playlist", Qt.MatchExactly)[0]
    item.setCheckState(0, Qt.Checked)
    scripted.outputs = [" COUNT(*) FROM Album"]
    result = ask(qtbot, window, "How many albums?")
    assert {"name": "Playlist", "why": "pinned"}.items() <= next(t for t in result.trace.tables if t["name"] == "Playlist").items()


def test_edited_sql_runs_through_the_guard(qtbot, window):
    window.sql_edit.setPlainText("DELETE FROM Artist")
    window.run_edited_sql()
    qtbot.waitUntil(lambda: "Only SELECT" in window.message.text(), timeout=30000)
    window.sql_edit.setPlainText("SELECT Name FROM Artist LIMIT 3")
    window.run_edited_sql()
    qtbot.waitUntil(lambda: window.results.rowCount() == 3, timeout=30000)


def test_event_loop_stays_responsive_during_a_slow_query(qtbot, window, scripted):
    scripted.outputs = [" count(*) FROM Track a, Track b, Track c"]
    window.question.setPlainText("a very slow question")
    window.ask()
    ticks = []
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(50)
    qtbot.wait(600)
    window.cancel()
    qtbot.waitUntil(lambda: window.ask_btn.isEnabled(), timeout=30000)
    timer.stop()
    assert len(ticks) >= 5  # the GUI thread kept running timers while the query ran
    assert "cancel" in window.message.text().lower() or "longer than" in window.message.text()


def test_real_model_answers_in_the_window(qtbot, window):
    """The real model on Chinook; a 50 ms QTimer keeps ticking on the GUI thread during the ask."""
    import time

    from PySide6.QtCore import QTimer

    ask(qtbot, window, "How many tracks are there?")  # load the model first: the tick test is about asking
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(50)
    result = ask(qtbot, window, "How many albums are there?")
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) >= 2 and max(gaps) <= 0.1, f"the event loop stalled for {max(gaps, default=0):.3f} s"
    assert result.ok and result.rows == [[347]]
    assert result.trace.attempts and result.trace.attempts[0].raw_output
    assert window.sql_edit.toPlainText().startswith("SELECT")


def test_saved_examples_can_be_edited_and_bad_edits_are_refused(qtbot, window, scripted):
    scripted.outputs = [" COUNT(*) FROM Album"]
    ask(qtbot, window, "How many albums?")
    window.thumbs_up()
    qtbot.waitUntil(lambda: window.saved_list.count() == 1, timeout=60000)
    window.saved_list.setCurrentRow(0)
    window.edit_saved("SELECT count(AlbumId) FROM Album")
    qtbot.waitUntil(lambda: "count(albumid)" in window.saved_list.item(0).text().lower() if window.saved_list.count() else False, timeout=60000)
    window.saved_list.setCurrentRow(0)
    window.edit_saved("SELECT nope FROM Album")
    qtbot.waitUntil(lambda: "does not exist" in window.message.text(), timeout=60000)
    assert "count(albumid)" in window.saved_list.item(0).text().lower()  # the good pair was kept


class StreamingModel:
    """Streams a token every 50 ms until cancelled, like llama.cpp does, to test the Cancel wiring."""

    name = "streaming"
    prompt_style = "chatml"

    def __init__(self):
        import threading

        self.stop = threading.Event()
        self.tokens = 0

    def complete(self, prompt, settings, on_token=None):
        import time

        from engine.llm.base import GenerationCancelled

        for _ in range(200):
            if self.stop.is_set():
                raise GenerationCancelled("Generation was cancelled.")
            self.tokens += 1
            if on_token:
                on_token(" 1 +")
            time.sleep(0.05)
        return " 1"

    def cancel(self):
        self.stop.set()

    def begin(self):
        self.stop.clear()


def test_cancel_during_generation(qtbot, window, monkeypatch):
    model = StreamingModel()
    monkeypatch.setattr(loader, "load_model", lambda *a, **k: model)
    window.question.setPlainText("a question the model rambles on")
    window.ask()
    qtbot.waitUntil(lambda: window.sql_edit.toPlainText().count("+") >= 3, timeout=30000)  # streaming into the SQL tab
    assert window.cancel_btn.isEnabled()
    with qtbot.waitSignal(window.answered, timeout=30000) as got:
        window.cancel_btn.click()
    assert not got.args[0].ok and "cancel" in got.args[0].error.lower()
    assert model.tokens < 200 and window.ask_btn.isEnabled()


def test_first_run_opens_the_chinook_demo(workspace):
    from app.main import first_database
    from engine.cli import DEMO_DB

    assert first_database(workspace) == f"sqlite:///{DEMO_DB}"
    workspace.save_settings({"last_db": "sqlite:///elsewhere.db"})
    assert first_database(workspace) == "sqlite:///elsewhere.db"


def test_the_window_remembers_its_database_but_never_a_password(window):
    assert window.ws.settings()["last_db"] == window.session.url


def test_dark_palette_follows_the_system(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QPalette
    from PySide6.QtWidgets import QApplication

    from app.theme import apply_system_palette

    app = QApplication.instance()
    hints = QGuiApplication.styleHints()
    apply_system_palette(app)
    try:
        # what the platform sends when the user switches the system theme (offscreen cannot switch)
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert app.palette().color(QPalette.Window).lightness() < 80
        assert app.palette().color(QPalette.Text).lightness() > 180
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert app.palette().color(QPalette.Window).lightness() > 180
    finally:
        app.setPalette(app.style().standardPalette())
