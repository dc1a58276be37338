"""Deterministic table linking: a table the model named in the wrong number or spelling style.

Small models write `TV_channels` for `TV_Channel`, `pet` for `Pets`, `albums` for `Album`: the
catalog has exactly one table those names can mean once case, `_` and a plural `s` are set
aside. Renaming it here costs nothing, where a repair round costs a generation the model often
gets wrong. Anything with two candidates is left for the table check to report.
"""

from __future__ import annotations

from sqlglot import exp

from engine.catalog.model import SchemaCatalog
from engine.sql.schema_check import unknown_tables


def name_forms(name: str) -> set[str]:
    """`TV_channels` → {tvchannels, tvchannel}: the name, case and `_` aside, with and
    without a plural ending, so `pet`/`Pets` and `address`/`Addresses` share a form."""
    low = name.lower().replace("_", "").replace(" ", "")
    forms = {low}
    if low.endswith("s") and len(low) > 3:
        forms |= {low[:-1], low[:-2]} if low.endswith("es") else {low[:-1]}
    if low.endswith("ies") and len(low) > 4:
        forms.add(low[:-3] + "y")
    return forms


def stem(word: str) -> str:
    """A word without its plural ending (`cities` → `city`, `cylinders` → `cylinder`), for matching a
    question's words with a column's name words."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def link_tables(tree: exp.Expression, catalog: SchemaCatalog) -> list[str]:
    """Rename unknown tables that match exactly one catalog table; returns the fixes, in words."""
    unknown = unknown_tables(tree, catalog)
    if not unknown:  # the usual case: nothing to compute
        return []
    forms = {name: name_forms(name) for name in catalog.table_names()}
    fixes: list[str] = []
    renamed: dict[str, str] = {}
    for table in unknown:
        name = table.name
        wanted = name_forms(name)
        options = [real for real, theirs in forms.items() if theirs & wanted]
        if len(options) != 1:
            continue
        real = options[0]
        if not table.alias:  # `TV_channels.id` must keep resolving: qualifiers follow the rename
            renamed[name.lower()] = real
        table.set("this", exp.to_identifier(real))
        fixes.append(f"{name} → {real} (the table's real name)")
    if renamed:
        for col in tree.find_all(exp.Column):
            if col.table and col.table.lower() in renamed:
                col.set("table", exp.to_identifier(renamed[col.table.lower()]))
    return list(dict.fromkeys(fixes))
