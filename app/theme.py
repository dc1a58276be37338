"""Light and dark palettes that follow the system's colour scheme, live."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

DARK = {
    QPalette.Window: "#202124", QPalette.WindowText: "#e8eaed", QPalette.Base: "#17181a",
    QPalette.AlternateBase: "#26282b", QPalette.Text: "#e8eaed", QPalette.Button: "#2d2f33",
    QPalette.ButtonText: "#e8eaed", QPalette.Highlight: "#3d6fb4", QPalette.HighlightedText: "#ffffff",
    QPalette.ToolTipBase: "#2d2f33", QPalette.ToolTipText: "#e8eaed", QPalette.PlaceholderText: "#9aa0a6",
    QPalette.Link: "#8ab4f8",
}


def dark_palette() -> QPalette:
    pal = QPalette()
    for role, color in DARK.items():
        pal.setColor(role, QColor(color))
    for role in (QPalette.Text, QPalette.ButtonText, QPalette.WindowText):
        pal.setColor(QPalette.Disabled, role, QColor("#6b6f75"))
    return pal


def apply_system_palette(app: QApplication) -> None:
    """Fusion style everywhere (same look on every platform), dark when the system is dark."""
    app.setStyle("Fusion")
    hints = QGuiApplication.styleHints()

    def update(scheme: Qt.ColorScheme | None = None) -> None:
        dark = (scheme or hints.colorScheme()) == Qt.ColorScheme.Dark
        app.setPalette(dark_palette() if dark else app.style().standardPalette())

    update()
    hints.colorSchemeChanged.connect(update)
