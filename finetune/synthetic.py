"""Synthetic question→SQL pairs from the user's own schema, for users without labelled data.

Templated SQL over the catalog and its FK graph (counts, filters on sample values,
group-by aggregates, order-by-limit, joins along FKs) with templated English.
"""

from __future__ import annotations

import random
import re

from engine.catalog.model import Column, SchemaCatalog, Table
from engine.prompt.schema_text import quote, type_family


def words(name: str) -> str:
    name = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return re.sub(r"[_\W]+", " ", name).strip().lower()


def plural(word: str) -> str:
    return word if word.endswith("s") else (word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s")


def numeric_columns(t: Table) -> list[Column]:
    return [c for c in t.columns if type_family(c.type) in ("INTEGER", "REAL") and not c.primary_key and not c.name.lower().endswith("id")]


def label_column(t: Table) -> Column | None:
    texts = [c for c in t.columns if type_family(c.type) == "TEXT"]
    for c in texts:
        if any(k in c.name.lower() for k in ("name", "title")):
            return c
    return texts[0] if texts else None


def candidate_pairs(catalog: SchemaCatalog) -> list[tuple[str, str]]:
    """Every templated pair the schema supports."""
    out: list[tuple[str, str]] = []
    tables = {t.name: t for t in catalog.tables}
    for t in catalog.tables:
        T, tw = quote(t.name), plural(words(t.name))
        out.append((f"How many {tw} are there?", f"SELECT COUNT(*) FROM {T}"))
        label = label_column(t)
        L, lw = (quote(label.name), words(label.name)) if label else ("", "")
        if label:
            out.append((f"List the {lw} of all {tw}.", f"SELECT {L} FROM {T}"))
        for c in t.columns:
            C, cw = quote(c.name), words(c.name)
            for v in c.samples[:2]:
                vv = v.replace("'", "''")
                out.append((f"How many {tw} have {cw} {v}?", f"SELECT COUNT(*) FROM {T} WHERE {C} = '{vv}'"))
                if label and label is not c:
                    out.append((f"What are the {lw} of {tw} whose {cw} is {v}?", f"SELECT {L} FROM {T} WHERE {C} = '{vv}'"))
            if c.samples:
                out.append((f"How many {tw} are there for each {cw}?", f"SELECT {C}, COUNT(*) FROM {T} GROUP BY {C}"))
        for n in numeric_columns(t):
            N, nw = quote(n.name), words(n.name)
            out.append((f"What is the average {nw} of {tw}?", f"SELECT AVG({N}) FROM {T}"))
            out.append((f"What is the maximum {nw} among {tw}?", f"SELECT MAX({N}) FROM {T}"))
            if label:
                out.append((f"Which 5 {tw} have the highest {nw}? Give their {lw}.", f"SELECT {L} FROM {T} ORDER BY {N} DESC LIMIT 5"))
        for fk in t.foreign_keys:
            parent = tables.get(fk.ref_table)
            if parent is None or len(fk.columns) != 1 or not fk.ref_columns or label_column(parent) is None:
                continue
            pl = label_column(parent)
            P, PL, pw, plw = quote(parent.name), quote(pl.name), words(parent.name), words(pl.name)
            on = f"T1.{quote(fk.columns[0])} = T2.{quote(fk.ref_columns[0])}"
            out.append((f"How many {tw} does each {pw} have? Show the {pw} {plw}.", f"SELECT T2.{PL}, COUNT(*) FROM {T} AS T1 JOIN {P} AS T2 ON {on} GROUP BY T2.{PL}"))
            out.append((f"Which {pw} has the most {tw}? Give its {plw}.", f"SELECT T2.{PL} FROM {T} AS T1 JOIN {P} AS T2 ON {on} GROUP BY T2.{PL} ORDER BY COUNT(*) DESC LIMIT 1"))
    return list(dict.fromkeys(out))


def synthetic_pairs(catalog: SchemaCatalog, count: int, seed: int = 13) -> list[tuple[str, str]]:
    """`count` distinct pairs (fewer if the schema supports fewer), chosen with a fixed seed."""
    pool = candidate_pairs(catalog)
    random.Random(seed).shuffle(pool)
    return pool[:count]
