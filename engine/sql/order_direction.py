"""A superlative the answer sorts the wrong way: "the least votes" with `ORDER BY COUNT(*) DESC LIMIT 1`.

The fine-tune learnt `ORDER BY … DESC LIMIT 1` as the shape of "the … with the most …" so well
that it writes it for "the fewest", "the youngest" and "the earliest" too, and the answer is the
opposite row. When the question's superlatives all point one way (none of "most" beside "least")
and the query's one sort key under a LIMIT points the other, the direction is flipped. Age words
read against the sort key: "oldest" is the highest `age` but the lowest `birth_date`; "earliest"
and "latest" are only read on dates and years. Anything else is left as written.

The other shape of a superlative, `WHERE age = (SELECT MIN(age) FROM …)` for "the oldest dog", is
read the same way: when the query sorts nothing under a LIMIT and holds one such extreme, its
MIN / MAX follows the question.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from engine.sql.impossible_extreme import own_extreme

_HIGH = re.compile(r"\b(most|highest|largest|biggest|greatest|longest|maximum|tallest|heaviest|top|max)\b")
_LOW = re.compile(r"\b(?<!at )(least|fewest|lowest|smallest|shortest|cheapest|minimum|min)\b")
_NEW = re.compile(r"\b(youngest|newest|latest|most recent(ly)?)\b")
_OLD = re.compile(r"\b(oldest|earliest)\b")
_TIME = re.compile(r"date|year|time|birth|dob|founded|established|opened|built|day", re.I)
_AGE = re.compile(r"\bage\b|_age$|^age", re.I)
_RANGE = re.compile(r"\bfrom (the )?\w+ (\w+ )?to (the )?\w+\b")  # "from the best ratings to the lowest" orders every row


def _wanted(question: str, key: exp.Expression) -> bool | None:
    """True for descending, False for ascending, None when the question does not settle it."""
    text = question.lower()
    if _RANGE.search(text):
        return None
    new, old = bool(_NEW.search(text)), bool(_OLD.search(text))
    text = _NEW.sub(" ", _OLD.sub(" ", text))  # "most recent" is a time word, not a "most"
    high, low = bool(_HIGH.search(text)), bool(_LOW.search(text))
    column = key if isinstance(key, exp.Column) else None
    if new or old:
        if high or low or (new and old) or column is None:
            return None
        if _TIME.search(column.name):
            return new  # the newest has the latest date
        if _AGE.search(column.name) and not re.search(r"\b(latest|earliest|most recent)", text):
            return old  # the oldest has the highest age
        return None
    if high == low:
        return None
    return high


def fix_order_direction(tree: exp.Expression, question: str, dialect: str) -> list[str]:
    """Flip, in place, the one single-key sort under a LIMIT (top level or in a subquery) when it
    runs against the question."""
    if not question:
        return []
    limited = [s for s in tree.find_all(exp.Select) if s.args.get("limit") and s.args.get("order")]
    if not limited:
        return _fix_extreme(tree, question, dialect)
    if len(limited) != 1 or len(limited[0].args["order"].expressions) != 1:
        return []  # two sorted parts: which one the superlative is about is not knowable
    ordered = limited[0].args["order"].expressions[0]
    want = _wanted(question, ordered.this)
    if want is None or bool(ordered.args.get("desc")) == want:
        return []
    before = ordered.sql(dialect=dialect)
    set_direction(ordered, want, dialect)
    return [f"ORDER BY {before} → {'DESC' if want else 'ASC'} (the question asks for the {'highest' if want else 'lowest'})"]


def _fix_extreme(tree: exp.Expression, question: str, dialect: str) -> list[str]:
    """`col = (SELECT MIN(col) …)`, the one such comparison in the query, turned to MAX (or back)."""
    found = [agg for eq in tree.find_all(exp.EQ) if (agg := own_extreme(eq)) is not None]
    if len(found) != 1:
        return []
    agg = found[0]
    want = _wanted(question, agg.this)
    if want is None or isinstance(agg, exp.Max) == want:
        return []
    before = agg.sql(dialect=dialect)
    agg.replace((exp.Max if want else exp.Min)(this=agg.this.copy()))
    after = "MAX" if want else "MIN"
    return [f"{before} → {after}({agg.this.sql(dialect=dialect)}) (the question asks for the {'highest' if want else 'lowest'})"]


def set_direction(ordered: exp.Ordered, desc: bool, dialect: str) -> None:
    """Sort `ordered` descending or ascending, in place; reparsed, so NULLs sort where the dialect
    puts them for that direction, as written by hand."""
    flipped = sqlglot.parse_one(f"SELECT 1 ORDER BY {ordered.this.sql(dialect=dialect)}{' DESC' if desc else ''}", read=dialect)
    ordered.replace(flipped.args["order"].expressions[0])
