"""One of two values the question offers: "orchestras with CD or DVD as their record format" as `Major_Record_Format = 'CD'`.

The fine-tune tends to stop at the first value of "A or B". When the answer compares a column with
'A', the question says "A or B" (or "B or A"), B is, by the value index, a value that same column
stores, and the answer compares nothing with B yet, the comparison becomes `IN ('A', 'B')`, with
B spelt as stored. Columns the index did not read whole are left alone, like literal linking does.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.link_values import StoredValues, string_equalities

_WORD = r"[\w'&/.-]+"


def _offered(question: str, value: str) -> list[str]:
    """The phrases (one to four words) the question offers beside `value` with "or", either side of it."""
    text = re.sub(r"[\"“”‘’]", "'", question)
    v = re.escape(value)
    out = []
    after = re.search(r"(?i)'?" + v + r"'?,?\s+or\s+(?:the\s+)?((?:" + _WORD + r"\s*){1,4})", text)
    if after:
        words = after.group(1).split()
        out += [" ".join(words[:n]).strip("'.,?") for n in range(1, len(words) + 1)]
    before = re.search(r"(?i)((?:" + _WORD + r"\s+){1,4})or\s+(?:the\s+)?'?" + v + r"\b", text)
    if before:
        words = before.group(1).split()
        out += [" ".join(words[-n:]).strip("'.,?") for n in range(1, len(words) + 1)]
    return [p for p in out if p and p.lower() != value.lower()]


def offer_either_value(tree: exp.Expression, catalog: SchemaCatalog, values: StoredValues, question: str) -> list[str]:
    """Widen, in place, `col = 'A'` to `col IN ('A', 'B')` as above; returns the fix, in words."""
    if not question or " or " not in question.lower():
        return []
    written = {lit.this.lower() for lit in tree.find_all(exp.Literal) if lit.is_string}
    fixes = []
    for _, _, col, eq, lit, table in string_equalities(tree, catalog):
        stored = values.column_values(table, col.name)
        if not stored:
            continue
        by_case = {s.lower(): s for s in stored}
        other = next((by_case[p.lower()] for p in _offered(question, lit.this) if p.lower() in by_case), None)
        if other is None or other.lower() in written:
            continue
        widened = exp.In(this=col.copy(), expressions=[lit.copy(), exp.Literal.string(other)])
        fixes.append(f"{eq.sql()} → {widened.sql()} (the question offers '{other}' too, and {table}.{col.name} stores it)")
        eq.replace(widened)
        written.add(other.lower())
    return fixes
