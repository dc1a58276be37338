"""Automatic chart: a label column plus numeric columns -> bar or line chart."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter

MAX_POINTS = 50


def chart_columns(columns: list[str], rows: list[list]) -> tuple[int | None, list[int]]:
    """(label column, numeric columns) or (None, []) when the result is not chartable."""
    if not rows or not columns:
        return None, []
    sample = rows[: min(len(rows), 200)]
    numeric = [i for i in range(len(columns)) if all(isinstance(r[i], (int, float)) or r[i] is None for r in sample) and any(r[i] is not None for r in sample)]
    labels = [i for i in range(len(columns)) if i not in numeric]
    if not numeric:
        return None, []
    if labels:
        return labels[0], [i for i in numeric if not columns[i].lower().endswith("id")] or numeric
    if len(numeric) >= 2:
        return numeric[0], numeric[1:]
    return None, numeric  # a single number: the row index is the label


class ChartView(QChartView):
    def __init__(self, parent=None):
        super().__init__(QChart(), parent)
        self.setRenderHint(QPainter.Antialiasing)
        self.kind = "bar"

    def show_result(self, columns: list[str], rows: list[list], kind: str | None = None) -> bool:
        self.kind = kind or self.kind
        chart = QChart()
        chart.setAnimationOptions(QChart.NoAnimation)
        label, values = chart_columns(columns, rows)
        if not values:
            chart.setTitle("Nothing to chart: the result has no numeric column.")
            self.setChart(chart)
            return False
        data = rows[:MAX_POINTS]
        cats = [str(r[label]) if label is not None else str(i + 1) for i, r in enumerate(data)]
        axis_x = QBarCategoryAxis()
        axis_x.append(cats)
        axis_y = QValueAxis()
        nums = [float(r[i] or 0) for r in data for i in values]
        axis_y.setRange(min(0.0, min(nums)), max(nums) * 1.05 if max(nums) > 0 else 1.0)
        chart.addAxis(axis_x, Qt.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignLeft)
        if self.kind == "line":
            for i in values:
                s = QLineSeries()
                s.setName(columns[i])
                for x, r in enumerate(data):
                    s.append(x, float(r[i] or 0))
                chart.addSeries(s)
                s.attachAxis(axis_y)
                s.attachAxis(axis_x)
        else:
            series = QBarSeries()
            for i in values:
                bs = QBarSet(columns[i])
                bs.append([float(r[i] or 0) for r in data])
                series.append(bs)
            chart.addSeries(series)
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)
        if len(rows) > MAX_POINTS:
            chart.setTitle(f"First {MAX_POINTS} of {len(rows)} rows")
        self.setChart(chart)
        return True
