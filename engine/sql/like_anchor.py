"""A LIKE anchored where the question does not anchor it: "artists that have 'a' in their names" as `LIKE 'a%'`.

The question says where the text goes: "contains"/"includes"/"has … in" is anywhere (`%x%`),
"starts"/"begins with" is at the start (`x%`), "ends with" at the end (`%x`). When a LIKE pattern
is the question's quoted (or named) text with wildcards that say otherwise, they are put where
the question says. A pattern with other wildcards, or text the question does not give, is left.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_ANYWHERE = re.compile(r"\b(contain|contains|containing|include|includes|including|with .{1,20} in (?:it|its|their|the)|"
                       r"ha(?:ve|s) .{1,20} in (?:it|its|their|the)|substring|somewhere)\b")
_START = re.compile(r"\b(start|starts|starting|begin|begins|beginning|prefix)\b")
_END = re.compile(r"\b(end|ends|ending|suffix)\b")


def _wanted(question: str) -> str | None:
    text = question.lower()
    found = [w for w, p in (("anywhere", _ANYWHERE), ("start", _START), ("end", _END)) if p.search(text)]
    return found[0] if len(found) == 1 else None


def fix_like_anchors(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Re-anchor, in place, each LIKE pattern as the question says; returns the fixes, in words."""
    want = _wanted(question) if question else None
    if want is None:
        return []
    fixes = []
    for like in tree.find_all(exp.Like):
        pattern = like.expression
        if not isinstance(pattern, exp.Literal) or not pattern.is_string:
            continue
        text = pattern.this.strip("%")
        if not text or "%" in text or "_" in text or text.lower() not in question.lower():
            continue
        new = {"anywhere": f"%{text}%", "start": f"{text}%", "end": f"%{text}"}[want]
        if new == pattern.this:
            continue
        fixes.append(f"LIKE '{pattern.this}' → LIKE '{new}' (the question puts '{text}' {'anywhere' if want == 'anywhere' else 'at the ' + want})")
        pattern.replace(exp.Literal.string(new))
    return fixes
