"""Training data: question→SQL pairs from saved answers, Spider JSON and CSV, each validated
against its catalog, de-duplicated, split with a fixed seed, and rendered with the exact
prompt the engine uses at inference."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.catalog.model import SchemaCatalog
from engine.prompt.builder import PromptParts, training_text
from engine.prompt.schema_text import schema_text
from engine.retrieval.retrieve import normalise
from engine.sql.errors import SqlRejected
from engine.sql.validate import check_sql


@dataclass
class TrainPair:
    question: str
    sql: str
    db_id: str = ""
    source: str = "user"
    notes: list[str] = field(default_factory=list)  # what the asker adds (BIRD's evidence), shown as the prompt's Notes


@dataclass
class TrainExample:
    prompt: str
    completion: str
    question: str
    sql: str
    db_id: str


def pairs_from_spider(path: Path, exclude_dbs: set[str] = frozenset()) -> list[TrainPair]:
    """Spider JSON ({question, query, db_id}); BIRD's ({question, SQL, evidence, db_id}) reads the same,
    its evidence becoming the prompt's Notes, as defog's instructions and a user's notes are at inference."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        TrainPair(r["question"], r.get("query") or r.get("SQL") or "", r.get("db_id", ""), f"spider:{Path(path).name}", [r["evidence"]] if r.get("evidence") else [])
        for r in data
        if r.get("db_id") not in exclude_dbs
    ]


def pairs_from_csv(path: Path, db_id: str = "") -> list[TrainPair]:
    rows = list(csv.DictReader(Path(path).open(encoding="utf-8", newline="")))
    if rows and not {"question"} <= set(rows[0]):
        raise ValueError(f"{path}: needs a 'question' column and a 'sql' (or 'query') column")
    return [TrainPair(r["question"], r.get("sql") or r.get("query") or "", r.get("db_id") or db_id, f"csv:{Path(path).name}") for r in rows]


def pairs_from_saved(records: list[dict], db_id: str) -> list[TrainPair]:
    return [TrainPair(r["question"], r["sql"], db_id, "saved") for r in records if r.get("sql")]


def validate_pairs(pairs: list[TrainPair], catalogs: dict[str, SchemaCatalog]) -> tuple[list[TrainPair], list[tuple[TrainPair, str]]]:
    """Keep pairs whose SQL passes the same checks as a model answer would."""
    good, bad = [], []
    for p in pairs:
        cat = catalogs.get(p.db_id)
        if cat is None:
            bad.append((p, f"no schema for database {p.db_id!r}"))
            continue
        try:
            check_sql(p.sql, cat, row_cap=None)
        except SqlRejected as exc:
            bad.append((p, str(exc)))
            continue
        good.append(p)
    return good, bad


def dedupe(pairs: list[TrainPair]) -> list[TrainPair]:
    seen, out = set(), []
    for p in pairs:
        key = (p.db_id, normalise(p.question), normalise(p.sql))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def split(pairs: list[TrainPair], eval_fraction: float = 0.1, seed: int = 13, max_eval: int = 200) -> tuple[list[TrainPair], list[TrainPair]]:
    """Split by question text so paraphrase-free leakage cannot happen across the split."""
    items = list(pairs)
    random.Random(seed).shuffle(items)
    n_eval = min(max_eval, max(1, int(len(items) * eval_fraction))) if len(items) > 1 else 0
    held = items[:n_eval]
    held_sql = {normalise(p.sql) for p in held}
    train = [p for p in items[n_eval:] if normalise(p.sql) not in held_sql]
    return train, held


def render(pairs: list[TrainPair], catalogs: dict[str, SchemaCatalog], style: str = "chatml") -> list[TrainExample]:
    """The zero-shot prompt (whole schema, compact, no examples), byte-for-byte the engine's."""
    out = []
    for p in pairs:
        cat = catalogs[p.db_id]
        parts = PromptParts(dialect=cat.dialect, schema=schema_text(cat, None, "compact", False), question=p.question, notes=list(p.notes))
        prompt, completion = training_text(parts, style, p.sql)
        out.append(TrainExample(prompt, completion, p.question, p.sql, p.db_id))
    return out


PROMPT_STYLES = ("chatml", "plain")  # SmolLM2's chat template; Gemma base's plain completion


def examples_file(run_dir: Path, split: str, style: str = "chatml") -> Path:
    """train.jsonl / eval.jsonl hold the chatml rendering; other styles sit beside them (train.plain.jsonl).

    The data is prepared before the base model is picked (the wizard's order), so every style is
    rendered and training reads the one its base model is prompted with at inference."""
    return Path(run_dir) / (f"{split}.jsonl" if style == "chatml" else f"{split}.{style}.jsonl")


def save_jsonl(path: Path, rows: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(asdict(r)) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(path)


def load_examples(path: Path) -> list[TrainExample]:
    return [TrainExample(**json.loads(line)) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
