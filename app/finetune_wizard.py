"""The fine-tuning wizard: Data → Settings → Train → Evaluate → Deploy, over finetune/ in worker threads.

The run directory is fixed per connection, so closing the wizard (or the app) mid-run keeps
the checkpoint and reopening it offers to resume.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from app.tasks import TaskRunner
from engine.llm.registry import ModelRegistry
from engine.workspace import Workspace, connection_key
from finetune.train import PRESETS, TrainConfig, detect_backend


def run_dir_for(ws: Workspace, url: str) -> Path:
    return ws.root / "finetune-runs" / connection_key(url)


class DataPage(QWizardPage):
    def __init__(self, wiz: FinetuneWizard):
        super().__init__()
        self.wiz = wiz
        self.setTitle("Data")
        self.setSubTitle("Question → SQL pairs to learn from. Every pair is checked against the schema first.")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.saved = QCheckBox("Saved 👍 pairs of this database")
        self.saved.setChecked(True)
        self.synth = QSpinBox(maximum=5000, value=120)
        self.file = QLineEdit(placeholderText="optional: a Spider-style .json or a question,sql .csv")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.file)
        row.addWidget(browse)
        self.held = QSpinBox(minimum=2, maximum=500, value=12)
        form.addRow(self.saved)
        form.addRow("Synthetic pairs from this schema:", self.synth)
        form.addRow("Imported file:", row)
        form.addRow("Held-out pairs (evaluation):", self.held)
        lay.addLayout(form)
        self.prepare_btn = QPushButton("Check and preview")
        self.prepare_btn.clicked.connect(self.prepare)
        self.resume_btn = QPushButton("Resume the unfinished run")
        self.resume_btn.setToolTip("Keep the prepared pairs and the checkpoint; training continues where it stopped")
        self.resume_btn.clicked.connect(self.resume)
        self.resume_btn.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.prepare_btn)
        buttons.addWidget(self.resume_btn)
        lay.addLayout(buttons)
        self.summary = QLabel("")
        lay.addWidget(self.summary)
        self.preview = QTableWidget(0, 3)
        self.preview.setHorizontalHeaderLabels(["status", "question", "SQL"])
        lay.addWidget(self.preview)
        self.ready = False

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        from finetune.workflow import unfinished_run

        step = unfinished_run(self.wiz.run_dir)
        if step is not None:  # the wizard or the app was closed mid-run: offer to carry on
            self.resume_btn.setText(f"Resume the unfinished run (stopped at step {step})")
            self.resume_btn.show()
            self.summary.setText(f"An unfinished run stopped at step {step}; its checkpoint is kept. Resume it, or "
                                 "Check and preview new data (the old checkpoint is set aside as checkpoint.previous).")

    def resume(self) -> None:
        data = json.loads((self.wiz.run_dir / "data.json").read_text())
        self.summary.setText(f"Resuming: {data['train']} pairs to train on, {data['eval']} held out.")
        self._show_preview([])
        self.ready = True
        self.completeChanged.emit()

    def _show_preview(self, invalid: list[str]) -> None:
        """The prepared training pairs (first 100) and the rejected ones with why."""
        from finetune.data import load_examples

        rows = [("valid", e.question, e.sql) for e in load_examples(self.wiz.run_dir / "train.jsonl")[:100]]
        rows += [("invalid", line, "") for line in invalid[:50]]
        self.preview.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                self.preview.setItem(i, j, QTableWidgetItem(v))
        self.preview.resizeColumnsToContents()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Pairs file", "", "Pairs (*.json *.csv)")
        if path:
            self.file.setText(path)

    def sources(self):
        from finetune.workflow import DataSources

        f = self.file.text().strip()
        return DataSources(
            saved_db=self.wiz.url if self.saved.isChecked() else None,
            synthetic_db=self.wiz.url if self.synth.value() else None,
            synthetic_count=self.synth.value(),
            spider_json=[Path(f)] if f.endswith(".json") else [],
            csv_files=[Path(f)] if f.endswith(".csv") else [],
            max_eval=self.held.value(),
        )

    def prepare(self) -> None:
        from finetune.workflow import prepare

        self.prepare_btn.setEnabled(False)
        self.summary.setText("Checking pairs…")
        src, run, ws = self.sources(), self.wiz.run_dir, self.wiz.ws
        self.wiz.tasks.start(lambda report: prepare(run, ws, src), self._prepared, self._failed)

    def _prepared(self, info) -> None:
        self.prepare_btn.setEnabled(True)
        self.summary.setText(f"{info.train} pairs to train on, {info.eval} held out for evaluation, {len(info.invalid)} invalid (not used).")
        self._show_preview(info.invalid)
        self.ready = info.train > 0
        self.completeChanged.emit()

    def _failed(self, message: str, detail: str) -> None:
        self.prepare_btn.setEnabled(True)
        self.summary.setText(f"Could not prepare the data: {message}")

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.ready


START_TIP = "Continuing from a fine-tuned version keeps what it learnt; its LoRA rank and alpha are used."


class SettingsPage(QWizardPage):
    def __init__(self, wiz: FinetuneWizard):
        super().__init__()
        self.wiz = wiz
        self.setTitle("Settings")
        lay = QFormLayout(self)
        self.base = QComboBox()
        self.base.addItems([s.name for s in ModelRegistry(wiz.ws.models_dir).list() if s.source == "bundled"])
        lay.addRow("Base model:", self.base)
        self.start = QComboBox()
        self.start.setToolTip(START_TIP)
        self.start.currentIndexChanged.connect(self._start_changed)
        self.base.currentTextChanged.connect(self._fill_starts)
        lay.addRow("Start from:", self.start)
        detected = detect_backend()
        self.backend = QComboBox()
        self.backend.addItem(f"auto — {'Unsloth on CUDA' if detected == 'unsloth' else 'PEFT on the CPU (no CUDA GPU found)'}", "auto")
        self.backend.addItem("PEFT", "peft")
        if importlib.util.find_spec("unsloth") is not None:
            self.backend.addItem("Unsloth (CPU fallback when no GPU)", "unsloth")
        lay.addRow("Backend:", self.backend)
        self.preset = QComboBox()
        self.preset.addItems(list(PRESETS))
        self.preset.setCurrentText("quick")
        self.preset.currentTextChanged.connect(self._apply_preset)
        lay.addRow("Preset:", self.preset)
        self.rank = QSpinBox(minimum=1, maximum=256)
        self.alpha = QSpinBox(minimum=1, maximum=512)
        self.lr = QDoubleSpinBox(decimals=5, minimum=1e-5, maximum=1e-2, singleStep=1e-4)
        self.steps = QSpinBox(minimum=1, maximum=100000)
        self.max_len = QSpinBox(minimum=128, maximum=4096, value=640)
        for label, w in (("LoRA rank:", self.rank), ("LoRA alpha:", self.alpha), ("Learning rate:", self.lr),
                         ("Steps:", self.steps), ("Max length (tokens):", self.max_len)):
            lay.addRow(label, w)
        self.estimate_btn = QPushButton("Estimate time and memory (measured warm-up)")
        self.estimate_btn.clicked.connect(self.estimate)
        self.estimate_label = QLabel("")
        lay.addRow(self.estimate_btn, self.estimate_label)
        self._apply_preset("quick")
        self._fill_starts(self.base.currentText())

    def _fill_starts(self, base: str) -> None:
        """A fresh adapter, or any version whose adapter fits this base; the active one preselected."""
        registry = ModelRegistry(self.wiz.ws.models_dir)
        self.start.clear()
        self.start.addItem("a new adapter (from the base model alone)", None)
        for spec in registry.list():
            if spec.adapter and spec.base == base:
                self.start.addItem(f"{spec.name} (continue its adapter)", spec.name)
        active = self.start.findData(registry.active())
        self.start.setCurrentIndex(max(active, 0))

    def _start_changed(self, _index: int) -> None:
        """A continued adapter keeps its own rank and alpha: show those, not the preset's."""
        from finetune.import_adapter import AdapterImportProblem, adapter_shape
        from finetune.workflow import start_adapter

        name = self.start.currentData()
        self.rank.setEnabled(name is None)
        self.alpha.setEnabled(name is None)
        self.start.setToolTip(START_TIP)
        if name is None:
            self._show_shape(TrainConfig(**PRESETS[self.preset.currentText()]))
            return
        try:
            rank, alpha = adapter_shape(Path(start_adapter(self.wiz.ws, name, self.base.currentText())))
        except (AdapterImportProblem, ValueError) as exc:
            self.start.setToolTip(str(exc))
            return
        self.rank.setValue(rank)
        self.alpha.setValue(round(alpha))

    def _show_shape(self, cfg: TrainConfig) -> None:
        if self.start.currentData() is None:  # a continued adapter's rank and alpha are fixed
            self.rank.setValue(cfg.rank)
            self.alpha.setValue(cfg.alpha)

    def _apply_preset(self, name: str) -> None:
        cfg = TrainConfig(**PRESETS[name])
        self._show_shape(cfg)
        self.lr.setValue(cfg.learning_rate)
        self.steps.setValue(cfg.max_steps or 200)

    def config(self) -> TrainConfig:
        from finetune.workflow import start_adapter

        start = self.start.currentData()
        init = start_adapter(self.wiz.ws, start, self.base.currentText()) if start else None
        return TrainConfig(base_model=self.base.currentText(), backend=self.backend.currentData(), rank=self.rank.value(), alpha=self.alpha.value(),
                           learning_rate=self.lr.value(), max_steps=self.steps.value(), max_length=self.max_len.value(),
                           checkpoint_every=max(1, min(25, self.steps.value() // 4)), eval_every=max(1, min(50, self.steps.value() // 4)),
                           init_adapter=init)

    def estimate(self) -> None:
        import shutil
        import tempfile

        from finetune.workflow import run_training

        cfg = self.config()
        warm = TrainConfig(**{**cfg.__dict__, "max_steps": 2, "checkpoint_every": 1000})
        src, ws = self.wiz.run_dir, self.wiz.ws
        self.estimate_btn.setEnabled(False)
        self.estimate_label.setText("Measuring two steps…")

        def work(report):
            with tempfile.TemporaryDirectory() as tmp:
                for f in src.glob("train*.jsonl"):  # every prompt style's rendering: the base picks one
                    shutil.copy(f, Path(tmp) / f.name)
                seen = []
                run_training(Path(tmp), ws, warm, progress=seen.append)
                return seen

        def done(seen):
            self.estimate_btn.setEnabled(True)
            per_step = (seen[-1].seconds - seen[0].seconds) if len(seen) > 1 else seen[0].seconds
            total = per_step * cfg.max_steps
            self.estimate_label.setText(f"≈ {per_step:.1f} s per step → {total / 60:.0f} min for {cfg.max_steps} steps; peak memory ≈ {max(p.rss_mb for p in seen) / 1024:.1f} GB")

        self.wiz.tasks.start(work, done, lambda m, d: self.estimate_label.setText(m))


class TrainPage(QWizardPage):
    progressed = Signal(object)

    def __init__(self, wiz: FinetuneWizard):
        super().__init__()
        self.wiz = wiz
        self.setTitle("Train")
        lay = QVBoxLayout(self)
        self.bar = QProgressBar()
        self.label = QLabel("Not started.")
        self.series = QLineSeries()
        self.series.setName("training loss")
        self.eval_series = QLineSeries()
        self.eval_series.setName("held-out loss")
        chart = QChart()
        chart.addSeries(self.series)
        chart.addSeries(self.eval_series)
        self.ax, self.ay = QValueAxis(), QValueAxis()
        self.ax.setTitleText("step")
        chart.addAxis(self.ax, Qt.AlignBottom)
        chart.addAxis(self.ay, Qt.AlignLeft)
        for series in (self.series, self.eval_series):
            series.attachAxis(self.ax)
            series.attachAxis(self.ay)
        self.chart = QChartView(chart)
        buttons = QHBoxLayout()
        self.start_btn = QPushButton("Start / Resume")
        self.start_btn.clicked.connect(self.start)
        self.pause_btn = QPushButton("Pause")
        self.pause_btn.clicked.connect(self.pause)
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.clicked.connect(self.pause)
        for b in (self.start_btn, self.pause_btn, self.cancel_btn):
            buttons.addWidget(b)
        lay.addWidget(self.bar)
        lay.addWidget(self.label)
        lay.addWidget(self.chart)
        lay.addLayout(buttons)
        self.stop = threading.Event()
        self.finished_steps = 0
        self.result = None

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        from finetune.workflow import checkpoint_state

        saved = checkpoint_state(self.wiz.run_dir)
        if saved is not None:
            step = saved["step"]
            self.series.clear()
            self.eval_series.clear()
            for point in saved.get("history", []):  # the curve so far, as the run left it
                self.series.append(point["step"], point["loss"])
                if "eval_loss" in point:
                    self.eval_series.append(point["step"], point["eval_loss"])
            if saved.get("history"):
                self.ax.setRange(0, max(step, 1))
                self.ay.setRange(0, max(pt.y() for s in (self.series, self.eval_series) for pt in s.points()) * 1.1)
            self.label.setText(f"A checkpoint at step {step} exists: Start / Resume continues from it.")

    def start(self) -> None:
        from finetune.workflow import run_training

        cfg = self.wiz.settings_page.config()
        self.stop.clear()
        self.start_btn.setEnabled(False)
        self.bar.setMaximum(cfg.max_steps)
        run, ws = self.wiz.run_dir, self.wiz.ws
        self.wiz.tasks.start(lambda report: run_training(run, ws, cfg, report, self.stop.is_set), self._done, self._failed, self._progress)

    def _progress(self, p) -> None:
        self.bar.setValue(p.step)
        self.series.append(p.step, p.loss)
        if p.eval_loss is not None:
            self.eval_series.append(p.step, p.eval_loss)
        self.ax.setRange(0, max(p.total_steps, 1))
        top = max(pt.y() for s in (self.series, self.eval_series) for pt in s.points())
        self.ay.setRange(0, top * 1.1)
        evals = self.eval_series.points()
        held = f"   held-out loss {evals[-1].y():.3f}" if evals else ""
        self.label.setText(
            f"step {p.step}/{p.total_steps}   loss {p.loss:.3f}{held}   ETA {p.eta_seconds / 60:.1f} min   "
            f"CPU {p.cpu_percent:.0f}%   RAM {p.rss_mb:.0f} MB"
        )

    def pause(self) -> None:
        self.stop.set()
        self.label.setText(self.label.text() + "   — stopping after this step, checkpoint kept")

    def _done(self, result) -> None:
        self.start_btn.setEnabled(True)
        self.result = result
        self.finished_steps = result.steps
        if result.stopped:
            self.label.setText(f"Paused at step {result.steps}; the checkpoint is saved. Start / Resume continues.")
        else:
            self.label.setText(f"Finished {result.steps} steps in {result.seconds:.0f} s, final loss {result.final_loss:.3f}.")
        self.completeChanged.emit()

    def _failed(self, message: str, detail: str) -> None:
        self.start_btn.setEnabled(True)
        self.label.setText(f"Training failed: {message}")

    def isComplete(self) -> bool:  # noqa: N802
        return self.result is not None and not self.result.stopped


class EvaluatePage(QWizardPage):
    def __init__(self, wiz: FinetuneWizard):
        super().__init__()
        self.wiz = wiz
        self.setTitle("Evaluate")
        self.setSubTitle("Execution accuracy of the base model (before) vs the fine-tune (after), on the held-out "
                         "pairs and on the regression set: the pairs you saved as correct for this database.")
        lay = QVBoxLayout(self)
        self.label = QLabel("Exporting the adapter and evaluating…")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["", "before", "after", "questions"])
        self.changes = QTableWidget(0, 4)
        self.changes.setHorizontalHeaderLabels(["change", "question", "before", "after"])
        lay.addWidget(self.label)
        lay.addWidget(self.table)
        lay.addWidget(QLabel("Questions whose answer changed:"))
        lay.addWidget(self.changes)
        self.comparison = None
        self.spec = None

    def initializePage(self) -> None:  # noqa: N802
        from finetune.evaluate import compare_models, held_out_items, regression_items
        from finetune.workflow import export_and_register

        run, ws, url = self.wiz.run_dir, self.wiz.ws, self.wiz.url
        base = self.wiz.settings_page.config().base_model
        items = held_out_items(run)
        items += regression_items(ws, url, len(items))

        def work(report):
            spec = export_and_register(run, ws, base)
            comp = compare_models(ws, items, lambda _db: url, base, spec.name, progress=lambda d, t: report((d, t)))
            from engine.catalog.model import write_atomic
            from finetune.versions import finetunes_dir

            meta_path = finetunes_dir(ws) / spec.name / "meta.json"
            meta = json.loads(meta_path.read_text())
            meta["metrics"] = {"ex_before": comp.before, "ex_after": comp.after, "held_out": comp.total,
                               "regression_before": comp.regression[0], "regression_after": comp.regression[1],
                               "regression": comp.regression[2]}
            write_atomic(meta_path, json.dumps(meta, indent=1))
            return spec, comp

        self.wiz.tasks.start(work, self._done, lambda m, d: self.label.setText(f"Evaluation failed: {m}"),
                             lambda p: self.label.setText(f"Evaluating… {p[0]}/{p[1]}"))

    def _done(self, out) -> None:
        self.spec, comp = out
        self.comparison = comp
        rb, ra, rn = comp.regression
        regression = f"; regression set {rb}/{rn} → {ra}/{rn}" if rn else "; no regression set yet (save correct answers with ✓)"
        self.label.setText(f"{self.spec.name}: EX {comp.before:.3f} → {comp.after:.3f} on {comp.total} held-out questions"
                           f"{regression} ({'better or equal' if comp.better else 'WORSE'})")
        rows = [("held-out EX", f"{comp.before:.3f}", f"{comp.after:.3f}", str(comp.total))]
        rows += [(f"  {cat}", str(b), str(a), str(n)) for cat, (b, a, n) in comp.per_category.items()]
        rows.append(("regression set (saved pairs)", f"{rb}/{rn}" if rn else "—", f"{ra}/{rn}" if rn else "—", str(rn)))
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                self.table.setItem(i, j, QTableWidgetItem(v))
        changes = [(f"wrong → right ({c['set']})", c) for c in comp.fixed]
        changes += [(f"right → wrong ({c['set']})", c) for c in comp.broken]
        self.changes.setRowCount(len(changes))
        for i, (kind, c) in enumerate(changes):
            for j, v in enumerate((kind, c["question"], c["before"], c["after"])):
                self.changes.setItem(i, j, QTableWidgetItem(v))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.comparison is not None


class DeployPage(QWizardPage):
    def __init__(self, wiz: FinetuneWizard):
        super().__init__()
        self.wiz = wiz
        self.setTitle("Deploy")
        lay = QVBoxLayout(self)
        self.label = QLabel("")
        self.activate = QCheckBox("Activate the new version now (the current one stays available for rollback)")
        lay.addWidget(self.label)
        lay.addWidget(self.activate)

    def initializePage(self) -> None:  # noqa: N802
        comp = self.wiz.evaluate_page.comparison
        self.activate.setChecked(comp.better)
        self.label.setText(f"Held-out EX: {comp.before:.3f} before, {comp.after:.3f} after.")

    def validatePage(self) -> bool:  # noqa: N802
        if not self.activate.isChecked():
            return True
        comp, spec = self.wiz.evaluate_page.comparison, self.wiz.evaluate_page.spec
        if not comp.better and not self.wiz.confirm_worse(comp):
            return False
        ModelRegistry(self.wiz.ws.models_dir).set_active(spec.name)
        self.wiz.deployed.emit(spec.name)
        return True


class FinetuneWizard(QWizard):
    deployed = Signal(str)

    def __init__(self, ws: Workspace, url: str, parent=None):
        super().__init__(parent)
        self.ws, self.url = ws, url
        self.run_dir = run_dir_for(ws, url)
        self.tasks = TaskRunner(self)
        self.setWindowTitle("Fine-tune the SQL model")
        self.resize(900, 640)
        self.data_page = DataPage(self)
        self.settings_page = SettingsPage(self)
        self.train_page = TrainPage(self)
        self.evaluate_page = EvaluatePage(self)
        self.deploy_page = DeployPage(self)
        for p in (self.data_page, self.settings_page, self.train_page, self.evaluate_page, self.deploy_page):
            self.addPage(p)

    def confirm_worse(self, comp) -> bool:
        rb, ra, rn = comp.regression
        answer = QMessageBox.question(
            self, "Worse result",
            f"The new version scores {comp.after:.3f} on the held-out pairs (before: {comp.before:.3f})"
            + (f" and {ra}/{rn} on your saved pairs (before: {rb}/{rn})" if rn else "") + ". Activate it anyway?",
        )
        return answer == QMessageBox.Yes

    def done(self, result: int) -> None:  # closing never loses the run: stop at a checkpoint
        self.train_page.stop.set()
        self.tasks.wait(120000)
        super().done(result)
