"""Templated pairs that teach SQLite behaviour Spider's data lacks: ratios and date arithmetic.

Spider train has almost no `CAST(… AS REAL) / NULLIF(…, 0)` and no `DATE('now', '-7 days')`,
`STRFTIME('%Y-%m', …)` or `JULIANDAY` at all, so a model fine-tuned on it writes neither, and
defog's `ratio` and `date_functions` questions (70 of its 210) stay out of reach whatever the
prompt says. These pairs are *behaviour*, not knowledge: they are generated over any schema
(Spider train's, never an evaluated one) from its numeric, text and date columns, with a few
phrasings each, and they mix into the ordinary training data (`finetune prepare --behaviours N`).
"""

from __future__ import annotations

import random

from engine.catalog.model import Column, SchemaCatalog, Table
from engine.prompt.schema_text import quote, type_family
from finetune.synthetic import label_column, numeric_columns, plural, words


def _dates(t: Table) -> list[Column]:
    return [c for c in t.columns if type_family(c.type) == "DATETIME"]


def _groups(t: Table, label: Column | None) -> list[Column]:
    """Text columns other than the label: what a per-group ratio or count can group by."""
    return [c for c in t.columns if type_family(c.type) == "TEXT" and c is not label and not c.name.lower().endswith("id")]


def _key(t: Table) -> Column | None:
    """What identifies a row in an answer: its name-like column, else its primary key."""
    return label_column(t) or next((c for c in t.columns if c.primary_key), None)


def ratio_pairs(t: Table, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    T, ts, one = quote(t.name), plural(words(t.name)), words(t.name)
    key = _key(t)
    nums = numeric_columns(t)
    for a, b in [(a, b) for a in nums for b in nums if a is not b][:6]:
        A, B, aw, bw = quote(a.name), quote(b.name), words(a.name), words(b.name)
        if key is not None:
            K = quote(key.name)
            q = rng.choice([f"What is the ratio of {aw} to {bw} for each {one}?", f"Calculate the {aw} to {bw} ratio of every {one}.",
                            f"For each {one}, what is the ratio of its {aw} to its {bw}?"])
            out.append((q, f"SELECT {K}, CAST({A} AS REAL) / NULLIF({B}, 0) AS ratio FROM {T}"))
        q = rng.choice([f"What is the ratio of the total {aw} to the total {bw} of all {ts}?", f"What is the ratio of total {aw} to total {bw}?"])
        out.append((q, f"SELECT CAST(SUM({A}) AS REAL) / NULLIF(SUM({B}), 0) AS ratio FROM {T}"))
        for g in _groups(t, label_column(t))[:1]:
            G, gw = quote(g.name), words(g.name)
            q = rng.choice([f"How does the ratio of total {aw} to total {bw} differ by {gw}?", f"What is the ratio of total {aw} to total {bw} for each {gw}?"])
            out.append((q, f"SELECT {G}, CAST(SUM({A}) AS REAL) / NULLIF(SUM({B}), 0) AS ratio FROM {T} GROUP BY {G}"))
    for n in nums[:3]:
        N, nw, x = quote(n.name), words(n.name), rng.choice([5, 10, 20, 50, 100, 1000])
        share = f"CAST(SUM(CASE WHEN {N} > {x} THEN 1 ELSE 0 END) AS REAL) / NULLIF(COUNT(*), 0)"
        q = rng.choice([f"What proportion of {ts} have a {nw} greater than {x}?", f"What fraction of all {ts} have {nw} above {x}?"])
        out.append((q, f"SELECT {share} AS proportion FROM {T}"))
        for g in _groups(t, label_column(t))[:1]:
            G, gw = quote(g.name), words(g.name)
            out.append((f"For each {gw}, what proportion of {ts} have a {nw} greater than {x}?", f"SELECT {G}, {share} AS proportion FROM {T} GROUP BY {G}"))
    return out


def count_ratio_pairs(catalog: SchemaCatalog, rng: random.Random) -> list[tuple[str, str]]:
    """Ratios of two tables' row counts, parent to child along a foreign key."""
    out = []
    tables = {t.name: t for t in catalog.tables}
    for t in catalog.tables:
        for fk in t.foreign_keys:
            parent = tables.get(fk.ref_table)
            if parent is None or parent is t:
                continue
            cw, pw = plural(words(t.name)), plural(words(parent.name))
            q = rng.choice([f"What is the ratio of {cw} to {pw}?", f"What is the ratio of the number of {cw} to the number of {pw}?"])
            out.append((q, f"SELECT CAST((SELECT COUNT(*) FROM {quote(t.name)}) AS REAL) / NULLIF((SELECT COUNT(*) FROM {quote(parent.name)}), 0) AS ratio"))
    return out


def date_pairs(t: Table, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    T, ts = quote(t.name), plural(words(t.name))
    label = label_column(t)
    dates = _dates(t)
    for d in dates[:2]:
        D, dw = quote(d.name), words(d.name)
        k, unit = rng.choice([(7, "days"), (30, "days"), (90, "days"), (6, "months"), (3, "months"), (1, "years"), (5, "years"), (10, "years")])
        since = f"DATE('now', '-{k} {unit}')"
        q = rng.choice([f"How many {ts} have a {dw} in the last {k} {unit}?", f"How many {ts} had their {dw} within the past {k} {unit}?"])
        out.append((q, f"SELECT COUNT(*) FROM {T} WHERE {D} >= {since}"))
        if label:
            out.append((f"List the {words(label.name)} of {ts} whose {dw} is in the last {k} {unit}.", f"SELECT {quote(label.name)} FROM {T} WHERE {D} >= {since}"))
        month = f"STRFTIME('%Y-%m', {D})"
        q = rng.choice([f"How many {ts} are there in each month of {dw}?", f"Count the {ts} per month of their {dw}."])
        out.append((q, f"SELECT {month} AS month, COUNT(*) FROM {T} GROUP BY month ORDER BY month"))
        out.append((f"Which month had the most {ts} by {dw}? Return the month and the number of {ts}.",
                    f"SELECT {month} AS month, COUNT(*) AS total FROM {T} GROUP BY month ORDER BY total DESC LIMIT 1"))
        year = rng.choice(range(1995, 2024))
        out.append((f"How many {ts} have a {dw} in {year}?", f"SELECT COUNT(*) FROM {T} WHERE STRFTIME('%Y', {D}) = '{year}'"))
        out.append((f"How many days have passed since the latest {dw}? Give the answer as an integer.",
                    f"SELECT CAST(JULIANDAY('now') - JULIANDAY(MAX({D})) AS INTEGER) AS days FROM {T}"))
        for n in numeric_columns(t)[:1]:
            out.append((f"What is the average {words(n.name)} of {ts} for each month of {dw}?",
                        f"SELECT {month} AS month, AVG({quote(n.name)}) FROM {T} GROUP BY month ORDER BY month"))
    for a, b in [(dates[i], dates[j]) for i in range(len(dates)) for j in range(i + 1, len(dates))][:2]:
        aw, bw = words(a.name), words(b.name)
        out.append((f"What is the average number of days between {aw} and {bw}?", f"SELECT AVG(JULIANDAY({quote(b.name)}) - JULIANDAY({quote(a.name)})) AS days FROM {T}"))
    return out


def behaviour_pairs(catalog: SchemaCatalog, seed: int = 13) -> list[tuple[str, str]]:
    """Every ratio and date pair the schema supports (SQLite only: the functions are SQLite's)."""
    if catalog.dialect != "sqlite":
        return []
    rng = random.Random(f"{seed}:{catalog.name}")
    out = count_ratio_pairs(catalog, rng)
    for t in catalog.tables:
        out += ratio_pairs(t, rng) + date_pairs(t, rng)
    return list(dict.fromkeys(out))


def sample_behaviours(catalogs: dict[str, SchemaCatalog], count: int, seed: int = 13) -> list[tuple[str, str, str]]:
    """`count` (db_id, question, sql) triples drawn evenly across databases, so no one schema dominates."""
    per_db = {k: behaviour_pairs(c, seed) for k, c in sorted(catalogs.items())}
    rng = random.Random(seed)
    for pairs in per_db.values():
        rng.shuffle(pairs)
    out: list[tuple[str, str, str]] = []
    depth = 0
    while len(out) < count and any(len(p) > depth for p in per_db.values()):
        for k, pairs in per_db.items():
            if depth < len(pairs) and len(out) < count:
                out.append((k, *pairs[depth]))
        depth += 1
    return out
