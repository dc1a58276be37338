"""The tables a question counts: "how many dogs", "the number of tracks", "the most albums", "at least 3 templates"."""

from __future__ import annotations

import re

from engine.catalog.model import SchemaCatalog
from engine.sql.link_tables import name_forms

_COUNTED = re.compile(
    r"\b(?:how many|number of|count(?: of| the)?|total of|most|fewest|least|\d+ or more|\d+ or fewer|"
    r"(?:at least|at most|more than|fewer than|less than) \d+)\s+(?:different\s+|distinct\s+)?([a-z_]+)(?:\s+([a-z_]+))?"
)


def counted_tables(question: str, catalog: SchemaCatalog) -> set[str]:
    """The catalog tables the question counts: the one or two words after "how many", "number of",
    "the most", "at least 3" …, singular or plural ("car makers" → car_makers)."""
    out = set()
    for m in _COUNTED.finditer(question.lower()):
        words = [w for w in m.groups() if w]
        phrases = [words[0]] + (["".join(words)] if len(words) == 2 else [])
        for t in catalog.tables:
            if any(name_forms(p) & name_forms(t.name) for p in phrases):
                out.add(t.name)
    return out


