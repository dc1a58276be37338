"""SQL syntax highlighting for the SQL tab."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat

KEYWORDS = (
    "select from where group by order having limit join left right inner outer on as and or not in is null "
    "like between distinct union intersect except with case when then else end asc desc count sum avg min max"
).split()


def _fmt(color: str, bold: bool = False) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(QColor(color))
    if bold:
        f.setFontWeight(QFont.Bold)
    return f


class SqlHighlighter(QSyntaxHighlighter):
    RULES = [
        (re.compile(r"\b(" + "|".join(KEYWORDS) + r")\b", re.I), _fmt("#1f4e9e", True)),
        (re.compile(r"\b\d+(\.\d+)?\b"), _fmt("#a0522d")),
        (re.compile(r"'[^']*'"), _fmt("#2e7d32")),
        (re.compile(r"--[^\n]*"), _fmt("#888888")),
    ]

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        for pattern, fmt in self.RULES:
            for m in pattern.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), fmt)
