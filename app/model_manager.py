"""Model manager: every model and fine-tune version; activate, roll back, delete, export, import."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from engine.llm.registry import ModelRegistry, ModelSpec, guess_style
from engine.workspace import Workspace
from finetune.versions import delete_version, list_versions

COLUMNS = ["", "name", "kind", "base", "EX before → after", "dataset", "date", "size"]


class ModelManager(QDialog):
    activated = Signal(str)

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.ws = workspace
        self.registry = ModelRegistry(workspace.models_dir)
        self.setWindowTitle("Models")
        self.resize(900, 360)
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        lay.addWidget(self.table)
        self.info = QLabel("")
        lay.addWidget(self.info)
        row = QHBoxLayout()
        for text, slot in (("Activate", self.activate), ("Roll back", self.rollback), ("Delete", self.delete),
                           ("Export adapter…", self.export_adapter), ("Import model or adapter (.gguf)…", self.import_gguf)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        lay.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        meta = {v["name"]: v for v in list_versions(self.ws)}
        active = self.registry.active()
        specs = self.registry.list()
        self.table.setRowCount(len(specs))
        for i, s in enumerate(specs):
            m = meta.get(s.name, {})
            metrics = m.get("metrics", {})
            ex = f"{metrics['ex_before']:.3f} → {metrics['ex_after']:.3f}" if "ex_before" in metrics else ""
            data = m.get("dataset", {})
            cells = ["●" if s.name == active else "", s.name, s.source, s.base or "", ex,
                     f"{data.get('train', '')} pairs" if data else "", m.get("created", ""),
                     f"{m['size_bytes'] / 1e6:.1f} MB" if "size_bytes" in m else ""]
            for j, c in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(str(c)))
        self.table.resizeColumnsToContents()
        self.info.setText(f"Active: {active}. Every earlier version is kept for rollback.")

    def _selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 1).text() if rows else None

    def activate(self) -> None:
        name = self._selected()
        if name:
            self.registry.set_active(name)
            self.activated.emit(name)
            self.refresh()

    def rollback(self) -> None:
        try:
            name = self.registry.rollback()
        except KeyError as exc:
            QMessageBox.information(self, "Roll back", str(exc))
            return
        self.activated.emit(name)
        self.refresh()

    def delete(self) -> None:
        name = self._selected()
        if not name:
            return
        try:
            delete_version(self.ws, name)
        except ValueError as exc:
            QMessageBox.warning(self, "Delete", str(exc))
        self.refresh()

    def export_adapter(self) -> None:
        name = self._selected()
        spec = self.registry.get(name) if name else None
        if spec is None or not spec.adapter:
            QMessageBox.information(self, "Export", "Select a fine-tuned version (it has a LoRA adapter).")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export GGUF adapter", f"{name}.gguf", "GGUF (*.gguf)")
        if path:
            shutil.copyfile(spec.adapter, path)

    def import_gguf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a .gguf model", "", "GGUF (*.gguf)")
        if path:
            self.import_path(path)

    def import_path(self, path: str) -> None:
        from pathlib import Path

        from engine.llm.gguf_check import ModelFileProblem, check_gguf

        try:
            check_gguf(Path(path))
        except ModelFileProblem as exc:
            QMessageBox.warning(self, "Import", str(exc))
            return
        p = Path(path).resolve()
        try:
            if check_gguf(p).get("general.type") == "adapter":  # a LoRA: a new version on its base
                from finetune.versions import import_adapter

                spec = import_adapter(self.ws, p)
                done = f"Imported adapter {spec.name} (LoRA on {spec.base})."
            else:
                self.registry.add(ModelSpec(name=p.stem, path=str(p), prompt_style=guess_style(p), source="user"))
                done = f"Imported model {p.stem}."
        except ModelFileProblem as exc:
            QMessageBox.warning(self, "Import", str(exc))
            return
        self.refresh()
        self.info.setText(done + " Activate it to use it.")
