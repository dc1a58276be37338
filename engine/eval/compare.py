"""Execution-accuracy comparison of result sets.

Spider rules (test-suite-sql-eval's result_eq): same number of columns; columns may be
permuted; rows compared as a multiset, or as a list when the gold query has ORDER BY.

defog sql-eval rules (eval/eval.py compare_df + subset_df), as implemented here:
duplicate rows dropped; column names and column order ignored; extra predicted
columns tolerated (every gold column must match a distinct predicted column);
row order compared only when the question's category is `order_by` or the question
says order / sort / arrange (defog's normalize_table), and here only when the gold
query also has a top-level ORDER BY (stricter nowhere else); floats compared after
rounding to 4 decimals.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import permutations

import sqlglot
from sqlglot import exp


def _norm(v: object) -> object:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float):
        r = round(v, 4)
        return int(r) if r == int(r) else r
    if isinstance(v, str):
        return v
    return v


def _rows(rows: list) -> list[tuple]:
    return [tuple(_norm(v) for v in r) for r in rows]


def orders_rows(sql: str, dialect: str = "sqlite") -> bool:
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except Exception:
        return "order by" in sql.lower()
    return tree.args.get("order") is not None if isinstance(tree, (exp.Select, exp.SetOperation)) else False


_ORDER_ASKED = re.compile(r"\b(order|sort|arrange)\b", re.IGNORECASE)


def defog_asks_order(question: str, category: str) -> bool:
    """defog sql-eval compares row order only for its `order_by` category or a question that asks for it."""
    return category == "order_by" or bool(_ORDER_ASKED.search(question))


def _col_key(rows: list[tuple], i: int) -> Counter:
    return Counter(repr(r[i]) for r in rows)


def spider_match(gold: list, pred: list, ordered: bool) -> bool:
    g, p = _rows(gold), _rows(pred)
    if len(g) != len(p):
        return False
    if not g:
        return True
    if len(g[0]) != len(p[0]):
        return False
    n = len(g[0])
    gkeys = [_col_key(g, i) for i in range(n)]
    pkeys = [_col_key(p, i) for i in range(n)]
    candidates = [[j for j in range(n) if pkeys[j] == gkeys[i]] for i in range(n)]
    if any(not c for c in candidates):
        return False
    for perm in _assignments(candidates, limit=5000):
        proj = [tuple(r[j] for j in perm) for r in p]
        if (proj == g) if ordered else (Counter(map(repr, proj)) == Counter(map(repr, g))):
            return True
    return False


def defog_match(gold: list, pred: list, ordered: bool) -> bool:
    g = list(dict.fromkeys(_rows(gold)))
    p = list(dict.fromkeys(_rows(pred)))
    if not g:
        return not p
    if not p or len(p[0]) < len(g[0]):
        return False
    ng, np_ = len(g[0]), len(p[0])
    gkeys = [Counter(repr(r[i]) for r in g) for i in range(ng)]
    pkeys = [Counter(repr(r[j]) for r in p) for j in range(np_)]
    candidates = [[j for j in range(np_) if pkeys[j] == gkeys[i]] for i in range(ng)]
    if any(not c for c in candidates):
        return False
    for assign in _assignments(candidates, limit=5000):
        proj = list(dict.fromkeys(tuple(r[j] for j in assign) for r in p))
        if (proj == g) if ordered else (set(map(repr, proj)) == set(map(repr, g))):
            return True
    return False


def _assignments(candidates: list[list[int]], limit: int):
    """Injective choices of one candidate per gold column."""
    n = len(candidates)
    if all(len(c) == 1 for c in candidates):
        choice = [c[0] for c in candidates]
        if len(set(choice)) == n:
            yield choice
        return
    count = 0
    pool = sorted({j for c in candidates for j in c})
    for perm in permutations(pool, n):
        if all(perm[i] in candidates[i] for i in range(n)):
            yield list(perm)
            count += 1
            if count >= limit:
                return
