"""Ask settings (the same values `sqlsage settings` shows and sets)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
)

from engine.llm.registry import ModelRegistry
from engine.settings import AskSettings, load_settings, save_settings
from engine.workspace import Workspace


def _spin(lo: int, hi: int, value: int, step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setValue(value)
    return box


def _dspin(lo: float, hi: float, value: float, step: float, decimals: int = 2) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setValue(value)
    return box


class SettingsDialog(QDialog):
    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle("Settings")
        s = load_settings(ws)
        form = QFormLayout(self)
        self.threads = _spin(1, 64, s.threads)
        self.context_size = _spin(512, 131072, s.context_size, 512)
        self.temperature = _dspin(0.0, 2.0, s.temperature, 0.1)
        self.row_cap = _spin(1, 10_000_000, s.row_cap, 100)
        self.timeout_s = _dspin(0.5, 3600, s.timeout_s, 5, 1)
        self.repair_attempts = _spin(0, 5, s.repair_attempts)
        self.candidates = _spin(1, 16, s.candidates)
        self.candidates.setToolTip("Sample this many SQL candidates and keep the answer most of them agree on (slower)")
        self.shape = _spin(0, 16, s.skeleton_samples)
        self.shape.setToolTip("When an answer lacks what the question's words ask for (a COUNT for 'how many', "
                              "ORDER BY … LIMIT for 'the oldest', NOT for 'never'), sample this many alternatives; 0: off")
        self.empty = QCheckBox("Resample an empty result (with the shape check: an answer that finds no rows)")
        self.empty.setToolTip("Most questions about your data have an answer; a query that returns nothing "
                              "usually has a wrong value or join. Uses the shape check's sample count.")
        self.empty.setChecked(s.resample_empty)
        self.unread = QCheckBox("Resample an answer that never reads a column the question names ('life expectancy')")
        self.unread.setToolTip("A column whose whole name the question spells is almost always one the answer needs; "
                               "an answer without it is usually about a neighbouring column. Uses the shape check's sample count.")
        self.unread.setChecked(s.resample_unread)
        self.failed = _spin(0, 16, s.failure_samples)
        self.failed.setToolTip("When every repair (and the retrieval fallback) fails, sample this many alternatives "
                               "and keep one that runs; 0: off")
        self.constrained = QCheckBox("Constrained decoding (grammar of this schema's tables and columns)")
        self.constrained.setChecked(s.constrained_decoding)
        self.linking = QCheckBox("Schema linking (fix a misnamed table or a misnamed or misplaced column before asking the model)")
        self.linking.setChecked(s.column_linking)
        self.literals = QCheckBox("Literal linking (with schema linking: respell a value the column never stores, 'france' → 'France')")
        self.literals.setToolTip("A string the query compares a column with, when that column never stores it, is replaced "
                                 "by the one stored value it means: another case, a near spelling, or the whole name the question gives")
        self.literals.setChecked(s.literal_linking)
        self.fallback = QCheckBox("Retrieval fallback (ask again with retrieved tables when the whole-schema answer fails)")
        self.fallback.setChecked(s.rag_fallback)
        self.fallback_model = QComboBox()
        self.fallback_model.addItem("(none)", "")
        for spec in ModelRegistry(ws.models_dir).list():
            self.fallback_model.addItem(spec.name, spec.name)
        self.fallback_model.setToolTip("When the active model's answer fails or finds no rows, ask this model the whole "
                                       "question again and show its answer if it finds rows (it stays loaded: more memory)")
        self._show_fallback_model(s.fallback_model)
        self.when_lacking = QCheckBox("Also ask the fallback model when the answer lacks what the question asks for")
        self.when_lacking.setToolTip("An answer without the COUNT that 'how many' asks for, or without a column the question "
                                     "names, is asked of the fallback model too; its answer is shown if it has rows and lacks less")
        self.when_lacking.setChecked(s.fallback_when_lacking)
        form.addRow("CPU threads", self.threads)
        form.addRow("Context size (tokens)", self.context_size)
        form.addRow("Temperature", self.temperature)
        form.addRow("Row cap", self.row_cap)
        form.addRow("Query timeout (s)", self.timeout_s)
        form.addRow("Repair attempts", self.repair_attempts)
        form.addRow("SQL candidates (vote)", self.candidates)
        form.addRow("Question-shape check (samples)", self.shape)
        form.addRow(self.empty)
        form.addRow(self.unread)
        form.addRow("Failed-answer samples", self.failed)
        form.addRow(self.constrained)
        form.addRow(self.linking)
        form.addRow(self.literals)
        form.addRow(self.fallback)
        form.addRow("Fallback model", self.fallback_model)
        form.addRow(self.when_lacking)
        note = QLabel("Threads and context size reload the model on the next question. "
                      "Measured on this kind of laptop with the bundled fine-tune: constrained decoding answers "
                      "2 fewer of 84 Chinook questions at 4× the time, so it is off by default.")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel | QDialogButtonBox.RestoreDefaults)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.RestoreDefaults).clicked.connect(lambda: self.show_values(AskSettings()))
        form.addRow(buttons)

    def values(self) -> AskSettings:
        return AskSettings(
            threads=self.threads.value(), context_size=self.context_size.value(),
            temperature=self.temperature.value(), row_cap=self.row_cap.value(), timeout_s=self.timeout_s.value(),
            repair_attempts=self.repair_attempts.value(), constrained_decoding=self.constrained.isChecked(),
            candidates=self.candidates.value(), column_linking=self.linking.isChecked(),
            literal_linking=self.literals.isChecked(),
            rag_fallback=self.fallback.isChecked(), skeleton_samples=self.shape.value(),
            resample_empty=self.empty.isChecked(), resample_unread=self.unread.isChecked(), failure_samples=self.failed.value(),
            fallback_model=self.fallback_model.currentData(), fallback_when_lacking=self.when_lacking.isChecked(),
        )

    def show_values(self, s: AskSettings) -> None:
        self.threads.setValue(s.threads)
        self.context_size.setValue(s.context_size)
        self.temperature.setValue(s.temperature)
        self.row_cap.setValue(s.row_cap)
        self.timeout_s.setValue(s.timeout_s)
        self.repair_attempts.setValue(s.repair_attempts)
        self.constrained.setChecked(s.constrained_decoding)
        self.candidates.setValue(s.candidates)
        self.linking.setChecked(s.column_linking)
        self.literals.setChecked(s.literal_linking)
        self.fallback.setChecked(s.rag_fallback)
        self.shape.setValue(s.skeleton_samples)
        self.empty.setChecked(s.resample_empty)
        self.unread.setChecked(s.resample_unread)
        self.failed.setValue(s.failure_samples)
        self._show_fallback_model(s.fallback_model)
        self.when_lacking.setChecked(s.fallback_when_lacking)

    def _show_fallback_model(self, name: str) -> None:
        """A saved name the registry no longer has (a removed fine-tune) shows as none."""
        self.fallback_model.setCurrentIndex(max(0, self.fallback_model.findData(name)))

    def save(self) -> None:
        save_settings(self.ws, self.values())
        self.accept()
