"""Evaluation datasets: Spider-style JSON and defog sql-eval CSV, read into one item shape."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.catalog.ddl import split_statements


class DatasetError(ValueError):
    pass


@dataclass
class EvalItem:
    index: int
    question: str
    gold: list[str]  # any of these counts as correct
    db_id: str
    category: str = ""
    instructions: str = ""
    flags: list[str] = field(default_factory=list)


def load_dataset(path: Path) -> list[EvalItem]:
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"Dataset file not found: {path}")
    if path.suffix.lower() == ".json":
        return _spider_json(path)
    if path.suffix.lower() == ".csv":
        return _defog_csv(path)
    raise DatasetError(f"{path.name}: unknown dataset format; use Spider-style .json or defog sql-eval .csv")


def _spider_json(path: Path) -> list[EvalItem]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path.name} is not valid JSON ({exc}).") from exc
    if not isinstance(data, list):
        raise DatasetError(f"{path.name}: expected a JSON list of {{db_id, question, query}} objects.")
    items = []
    for i, row in enumerate(data):
        if not isinstance(row, dict) or not {"question", "query"} <= set(row):
            raise DatasetError(f"{path.name}: item {i} lacks 'question' or 'query' (Spider format: db_id, question, query).")
        items.append(EvalItem(index=i, question=row["question"], gold=[row["query"]], db_id=row.get("db_id", "")))
    return items


def split_gold(query: str) -> list[str]:
    """defog CSVs hold several acceptable gold queries separated by ';' (quotes respected),
    and `{a,b}` blocks meaning "a, or b, or a, b" (sql-eval's get_all_minimal_queries)."""
    out: list[str] = []
    for _line, q in split_statements(query, "postgres"):
        for v in expand_alternatives(q):
            if v not in out:
                out.append(v)
    return out


def expand_alternatives(query: str) -> list[str]:
    """`{a, b}` -> a | b | a, b; an empty `{}` repeats the choice of the block before it."""
    import itertools
    import re

    blocks = re.findall(r"\{([^{}]*)\}", query)
    if not blocks:
        return [query]
    choices = []
    for b in blocks:
        opts = [o.strip() for o in b.split(",") if o.strip()]
        if opts:
            choices.append(opts + ([", ".join(opts)] if len(opts) > 1 else []))
    out = []
    for combo in itertools.product(*choices):
        picks = iter(combo)
        last = ""

        def fill(m, picks=picks):
            nonlocal last
            if m.group(1).strip():
                last = next(picks)
            return last

        out.append(re.sub(r"\{([^{}]*)\}", fill, query))
    return out


def _defog_csv(path: Path) -> list[EvalItem]:
    try:
        rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path.name} is not UTF-8 text.") from exc
    need = {"question", "query", "db_name"}
    if not rows or not need <= set(rows[0]):
        raise DatasetError(f"{path.name}: expected defog sql-eval columns question, query, db_name (got {sorted(rows[0]) if rows else 'nothing'}).")
    return [
        EvalItem(
            index=i,
            question=r["question"],
            gold=split_gold(r["query"]),
            db_id=r["db_name"],
            category=r.get("query_category", ""),
            instructions=r.get("instructions", "") or "",
        )
        for i, r in enumerate(rows)
    ]


def spider_flags(items: list[EvalItem], dev_databases_json: Path) -> None:
    """Mark Spider dev questions that run on reconstructed (non-original) wta_1 rows."""
    if not dev_databases_json.exists():
        return
    bad = set(json.loads(dev_databases_json.read_text()).get("dev_questions_on_non_original_data", []))
    for it in items:
        if it.index in bad:
            it.flags.append("reconstructed")
