"""The prompt: stable prefix first (instructions, schema), variable part last (examples, question).

The same function formats fine-tuning data (finetune/ imports it), so training and
inference see byte-for-byte the same text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DIALECT_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL", "mysql": "MySQL", "duckdb": "DuckDB"}
ANSWER_PREFIX = "SELECT"


@dataclass
class PromptParts:
    dialect: str
    schema: str
    question: str
    examples: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)  # earlier (question, sql) of a follow-up
    hints: list[str] = field(default_factory=list)  # value links etc.


@dataclass
class Prompt:
    text: str
    prefix_chars: int  # length of the part that does not depend on the question
    answer_prefix: str = ANSWER_PREFIX
    question: str = ""  # what it asks: literal linking matches the answer's strings against it


def build_prompt(parts: PromptParts, style: str) -> Prompt:
    if style == "chatml":
        return _chatml(parts)
    return _plain(parts)


def _instructions(dialect: str) -> str:
    d = DIALECT_NAMES.get(dialect, dialect)
    return (
        f"You translate questions into one {d} SELECT query over the tables below. "
        "Use only these tables and columns. Reply with the SQL query only."
    )


def _question_block(parts: PromptParts) -> str:
    lines = []
    if parts.notes:
        lines.append("Notes:\n" + "\n".join(f"- {n}" for n in parts.notes))
    if parts.hints:
        lines.append("Hints:\n" + "\n".join(f"- {h}" for h in parts.hints))
    for q, sql in parts.examples + parts.history:
        lines.append(f"Question: {q}\nSQL: {canonical_sql(sql, parts.dialect)}")
    if parts.history:
        lines.append(f"Follow-up question (change the previous SQL): {parts.question}\nSQL:")
    else:
        lines.append(f"Question: {parts.question}\nSQL:")
    return "\n\n".join(lines)


def _chatml(parts: PromptParts) -> Prompt:
    """Few-shot examples and follow-up history as earlier chat turns: small chat models copy
    the turn format far better than they follow examples pasted into one message."""
    prefix = f"<|im_start|>system\n{_instructions(parts.dialect)}\n\n{parts.schema}<|im_end|>\n"
    turns = []
    for q, sql in parts.examples + parts.history:
        turns.append(f"<|im_start|>user\n{q}<|im_end|>\n<|im_start|>assistant\n{canonical_sql(sql, parts.dialect)}<|im_end|>\n")
    context = []
    if parts.notes:
        context.append("Notes:\n" + "\n".join(f"- {n}" for n in parts.notes))
    if parts.hints:
        context.append("Hints:\n" + "\n".join(f"- {h}" for h in parts.hints))
    lead = "\n\n".join(context + [parts.question])
    text = prefix + "".join(turns) + f"<|im_start|>user\n{lead}<|im_end|>\n<|im_start|>assistant\n{ANSWER_PREFIX}"
    return Prompt(text=text, prefix_chars=len(prefix), question=parts.question)


def _plain(parts: PromptParts) -> Prompt:
    d = DIALECT_NAMES.get(parts.dialect, parts.dialect)
    prefix = f"-- {d} database. {_instructions(parts.dialect)}\n\n{parts.schema}\n\n"
    text = prefix + _question_block(parts) + f" {ANSWER_PREFIX}"
    return Prompt(text=text, prefix_chars=len(prefix), question=parts.question)


def repair_prompt(original: Prompt, bad_sql: str, error: str, style: str) -> Prompt:
    """Ask again with the failed SQL and the error; same prefix, so the KV cache still applies."""
    body = original.text[: -len(original.answer_prefix)] if original.text.endswith(original.answer_prefix) else original.text
    if style == "chatml":
        text = (
            f"{body}{_one_line(bad_sql)}<|im_end|>\n<|im_start|>user\nThat SQL failed: {error}\n"
            f"Write the corrected SQL query only.<|im_end|>\n<|im_start|>assistant\n{ANSWER_PREFIX}"
        )
    else:
        text = f"{body} {_one_line(bad_sql)}\n-- That SQL failed: {error}\n-- Corrected SQL: {ANSWER_PREFIX}"
    return Prompt(text=text, prefix_chars=original.prefix_chars, question=original.question)


def training_text(parts: PromptParts, style: str, sql: str) -> tuple[str, str]:
    """(prompt, completion) for fine-tuning; completion continues after the answer prefix."""
    p = build_prompt(parts, style)
    body = canonical_sql(sql, parts.dialect)
    if body.upper().startswith(ANSWER_PREFIX):
        body = body[len(ANSWER_PREFIX):]
    return p.text, body + completion_end(style)


def completion_end(style: str) -> str:
    """What ends an answer the fine-tune learnt to write: the chat turn's end, or the statement's."""
    return "<|im_end|>" if style == "chatml" else ";"


def canonical_sql(sql: str, dialect: str) -> str:
    """One line, upper-case keywords, single quotes: the style the grammar allows, so
    examples and constrained decoding agree."""
    import sqlglot

    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except Exception:
        return _one_line(sql)
    from engine.sql.quoted_strings import fix_quoted_strings

    fix_quoted_strings(tree)
    return tree.sql(dialect=dialect)


def _one_line(sql: str) -> str:
    return " ".join(sql.strip().rstrip(";").split())
