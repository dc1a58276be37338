"""A comparison that runs against the question: "employees under age 30" with `Age > 30`.

The fine-tune copies the number the question gives but often not the side of it, and the answer
is every other row. When the question puts a direction word right before (or after) a number
("more than 10", "under 30", "before 1945", "10 or more") and the query compares something with
that same number the other way, the comparison is turned round. Only the direction is changed:
whether the bound itself is included ("at least" as `>` or `>=`) is left as written, since
Spider's own golds mix the two. A number the question gives twice with different words, a
range ("between 5 and 10"), and "older"/"younger" against a date (where "older" is the smaller
value) are left alone.
"""

from __future__ import annotations

import re

from sqlglot import exp

from engine.catalog.model import SchemaCatalog

_NUM = r"(\d+(?:\.\d+)?)"
_BEFORE = [  # a direction word right before the number: (pattern, True for "greater")
    (r"(?:more|greater|larger|bigger|higher|longer|heavier|taller|older|later|faster|above|over|exceeding|exceeds|exceed|after|at least|no less than|not less than|no fewer than|beyond)", True),
    (r"(?:less|fewer|smaller|lower|shorter|lighter|younger|earlier|cheaper|slower|below|under|before|at most|no more than|not more than|up to|within)", False),
]
_AFTER = [  # a direction word right after the number: "10 or more"
    (r"(?:or more|or greater|or higher|or above|or over|or later|or after|and above|and over|and up|plus)", True),
    (r"(?:or less|or fewer|or lower|or below|or under|or earlier|or before|and below|and under)", False),
]
_THAN = r"(?:\s+than)?(?:\s+(?:or equal to|equal to|equals?|the age of|age|aged))?\s+\$?"
_AGE_WORDS = re.compile(r"\b(older|younger)\b")
_TIME = re.compile(r"date|year|time|birth|dob|founded|established|opened|built|day", re.I)
_RANGE = re.compile(r"\bbetween\s+\$?" + _NUM + r"\s+and\s+\$?" + _NUM)

_FLIP = {exp.GT: exp.LT, exp.LT: exp.GT, exp.GTE: exp.LTE, exp.LTE: exp.GTE}
_GREATER = {exp.GT: True, exp.GTE: True, exp.LT: False, exp.LTE: False}


def question_bounds(question: str) -> dict[float, set[tuple[bool, str]]]:
    """Each number the question bounds, with the direction(s) it is bounded in and the words that say so."""
    text = question.lower().replace(",", "")
    bounds: dict[float, set[tuple[bool, str]]] = {}
    for words, greater in _BEFORE:
        for m in re.finditer(r"\b(" + words + r")" + _THAN + _NUM + r"\b", text):
            negated = re.search(r"\b(not|no|never)\s+$", text[: m.start()]) and not m.group(1).startswith(("no ", "not "))
            phrase = ("not " if negated else "") + m.group(0).strip()  # "not higher than 4" is `<= 4`
            bounds.setdefault(float(m.group(2)), set()).add((greater != bool(negated), phrase))
    for words, greater in _AFTER:
        for m in re.finditer(r"\b" + _NUM + r"\s+(?:\w+\s+)?(" + words + r")\b", text):
            bounds.setdefault(float(m.group(1)), set()).add((greater, m.group(0).strip()))
    for m in _RANGE.finditer(text):
        for n in m.groups():
            bounds.pop(float(n), None)
    return bounds


def _literal(node: exp.Expression) -> float | None:
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return -float(node.this.this)
    if isinstance(node, exp.Literal):
        try:
            return float(node.this)
        except ValueError:
            return None
    return None


def fix_comparison_direction(tree: exp.Expression, catalog: SchemaCatalog, question: str) -> list[str]:
    """Turn round, in place, each `x > N` / `x < N` whose N the question bounds the other way."""
    if not question:
        return []
    bounds = question_bounds(question)
    if not bounds:
        return []
    fixes = []
    for cmp in list(tree.find_all(*_FLIP)):
        left, right = cmp.this, cmp.expression
        n, other, swapped = _literal(right), left, False
        if n is None:
            n, other, swapped = _literal(left), right, True
        if n is None or n not in bounds or _literal(other) is not None:
            continue
        said = bounds[n]
        if len({g for g, _ in said}) != 1:
            continue  # the question bounds this number both ways
        greater, phrase = min(said)
        column = other if isinstance(other, exp.Column) else other.find(exp.Column)
        if column is not None and _TIME.search(column.name) and any(_AGE_WORDS.search(p) for _, p in said):
            continue  # "older than 1980" on a year: older is smaller; not read
        written = _GREATER[type(cmp)] != swapped  # `5 < x` says x is greater
        if written == greater:
            continue
        turned = _FLIP[type(cmp)](this=left.copy(), expression=right.copy())
        fixes.append(f"{cmp.sql()} → {turned.sql()} (the question says \"{phrase}\")")
        cmp.replace(turned)
    return fixes


_INCLUSIVE = re.compile(r"\b(at least|at most|or more|or less|or fewer|or greater|or higher|or lower|or above|or below|no more|no less|"
                        r"no fewer|not more|not less|not \w+er|up to|or equal|and above|and below|and up)\b")


def bound_operator(greater: bool, phrase: str) -> type[exp.Expression]:
    """The comparison a bound's words ask for: "at least 3" → `>=`, "more than 3" → `>`."""
    inclusive = bool(_INCLUSIVE.search(phrase))
    return (exp.GTE if inclusive else exp.GT) if greater else (exp.LTE if inclusive else exp.LT)
