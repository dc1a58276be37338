"""A table model that hands rows to the view in pages, so 100k rows stay smooth."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

PAGE = 500


class ResultsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.columns: list[str] = []
        self.rows: list[list] = []
        self.loaded = 0

    def set_result(self, columns: list[str], rows: list[list]) -> None:
        self.beginResetModel()
        self.columns, self.rows = list(columns), rows
        self.loaded = min(PAGE, len(rows))
        self.endResetModel()

    def rowCount(self, parent=None) -> int:  # noqa: N802 - Qt API
        return 0 if parent is not None and parent.isValid() else self.loaded

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def canFetchMore(self, parent=None) -> bool:  # noqa: N802
        return not (parent is not None and parent.isValid()) and self.loaded < len(self.rows)

    def fetchMore(self, parent=None) -> None:  # noqa: N802
        n = min(PAGE, len(self.rows) - self.loaded)
        self.beginInsertRows(QModelIndex(), self.loaded, self.loaded + n - 1)
        self.loaded += n
        self.endInsertRows()

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.DisplayRole:
            return "NULL" if value is None else str(value)
        if role == Qt.TextAlignmentRole and isinstance(value, (int, float)):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ForegroundRole and value is None:
            from PySide6.QtGui import QColor

            return QColor("#999")
        return None

    def headerData(self, section: int, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return self.columns[section] if section < len(self.columns) else None
        return str(section + 1)

    def to_csv(self, path: str) -> None:
        import csv

        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(self.columns)
            w.writerows(self.rows)
