"""What an answer lacks that the question's words ask for, said the way the trace shows it.

Two checks, both cues and never reasons to refuse: the question-shape cues (engine.sql.skeleton:
a COUNT for "how many", ORDER BY … LIMIT for "oldest") and columns the question spells that the
SQL never reads (engine.sql.named_columns). The pipeline resamples on them and compares the
fallback model's answer with the first on them; the benchmarks' replay counts them the same way.
"""

from __future__ import annotations

from engine.catalog.model import SchemaCatalog
from engine.sql.named_columns import unread_columns
from engine.sql.skeleton import missing_parts


def missing_part_texts(question: str, sql: str, dialect: str | None) -> list[str]:
    return [f"{c.needs} ({c.name})" for c in missing_parts(question, sql, dialect)]


def unread_column_texts(question: str, sql: str, catalog: SchemaCatalog) -> list[str]:
    return [f"the column {c} the question names" for c in unread_columns(question, sql, catalog, catalog.dialect)]


def lacks(question: str, sql: str, catalog: SchemaCatalog, model_sql: str = "") -> list[str]:
    """Both checks; `model_sql` (the SQL as the model wrote it) for the shape cues when given,
    since the row cap's LIMIT would pass for the one "oldest" asks for."""
    return missing_part_texts(question, model_sql or sql, catalog.dialect) + unread_column_texts(question, sql, catalog)
