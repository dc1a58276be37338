"""ask(): retrieve → prompt → generate → validate → execute, repairing on failure."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from engine.execute.connect import ConnectionProblem
from engine.execute.runner import DEFAULT_ROW_CAP, QueryCancelled, QueryTimeout
from engine.index.store import KnowledgeIndex
from engine.llm.base import GenerationCancelled, GenerationSettings, SqlModel
from engine.prompt.builder import PromptParts, build_prompt, repair_prompt
from engine.prompt.schema_text import schema_text
from engine.result import AskResult, Attempt, Trace
from engine.retrieval.retrieve import RetrievalSettings, Retrieved, retrieve
from engine.session import Session
from engine.sql.errors import SqlRejected
from engine.sql.extract import extract_sql
from engine.sql.validate import check_sql

MODES = ("zero-shot", "rag")


@dataclass
class AskOptions:
    mode: str = "rag"  # zero-shot: whole schema, no retrieval, no examples
    max_repairs: int = 2
    row_cap: int | None = DEFAULT_ROW_CAP
    timeout_s: float | None = None
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    generation: GenerationSettings = field(default_factory=GenerationSettings)
    history: list[tuple[str, str]] = field(default_factory=list)  # follow-up context
    examples_index: KnowledgeIndex | None = None  # shared example pool (evaluation)
    exclude_examples: set[str] | None = None  # leakage guard (evaluation)
    grammar: Callable | None = None  # (catalog, tables) -> GBNF, when constrained decoding is on
    notes: list[str] = field(default_factory=list)  # extra instructions (defog's per-question rules)
    schema_style: str = "compact"  # or "ddl"; fine-tuning trains on the same style
    schema_samples: bool = False


class _Stopwatch:
    def __init__(self, trace: Trace, stage: str):
        self.trace, self.stage = trace, stage

    def __enter__(self):
        self.t = time.perf_counter()

    def __exit__(self, *exc):
        self.trace.add_time(self.stage, time.perf_counter() - self.t)


def ask(
    question: str,
    session: Session,
    model: SqlModel,
    options: AskOptions | None = None,
    on_token: Callable[[str], None] | None = None,
) -> AskResult:
    opts = options or AskOptions()
    trace = Trace(model=model.name, mode=opts.mode)
    result = AskResult(question=question, trace=trace)
    start = time.perf_counter()
    catalog = session.catalog

    with _Stopwatch(trace, "retrieve"):
        retrieved = _retrieve(question, session, opts)
    trace.tables = [{"name": t.name, "score": round(t.score, 4), "why": t.why} for t in retrieved.tables]
    trace.examples = [{"question": e.question, "sql": e.sql, "score": round(e.score, 4)} for e in retrieved.examples]
    trace.notes = retrieved.notes

    parts = PromptParts(
        dialect=catalog.dialect,
        schema=schema_text(catalog, retrieved.table_names(), opts.schema_style, opts.schema_samples),
        question=question,
        examples=[(e.question, e.sql) for e in reversed(retrieved.examples)],  # most similar nearest the question
        notes=opts.notes + retrieved.notes,
        history=opts.history,
    )
    prompt = first = build_prompt(parts, model.prompt_style)
    trace.prompt = prompt.text
    gen = opts.generation
    if opts.grammar is not None:
        gen = GenerationSettings(**{**gen.__dict__, "grammar": opts.grammar(catalog, retrieved.table_names())})

    for attempt_no in range(opts.max_repairs + 1):
        try:
            with _Stopwatch(trace, "generate"):
                raw = model.complete(prompt.text, gen, on_token)
        except GenerationCancelled as exc:
            result.error = str(exc)
            break
        sql = extract_sql(raw, prompt.answer_prefix)
        attempt = Attempt(raw_output=raw, sql=sql)
        trace.attempts.append(attempt)
        result.sql = sql
        try:
            with _Stopwatch(trace, "validate"):
                checked = check_sql(sql, catalog, row_cap=opts.row_cap)
            result.sql = checked.sql
            with _Stopwatch(trace, "execute"):
                rows = session.db.run(checked.sql, row_cap=opts.row_cap, timeout_s=opts.timeout_s)
        except SqlRejected as exc:
            attempt.error, attempt.rule = str(exc), exc.rule
            if exc.rule in ("not_read_only", "forbidden_function", "multi_statement", "not_select", "control_char"):
                result.error = f"Refused: {exc}"
                break  # never repair towards a write: the refusal is the answer
        except (QueryTimeout, QueryCancelled, ConnectionProblem) as exc:
            attempt.error, attempt.rule = str(exc), "execute"
            result.error = str(exc)
            break
        except sa.exc.DBAPIError as exc:
            attempt.error, attempt.rule = _db_message(exc), "execute"
        else:
            result.columns, result.rows, result.truncated = rows.columns, rows.rows, rows.truncated
            result.error = None
            break
        result.error = attempt.error
        if attempt_no < opts.max_repairs:
            prompt = repair_prompt(first, sql, attempt.error, model.prompt_style)
    trace.timings["total"] = time.perf_counter() - start
    return result


def _retrieve(question: str, session: Session, opts: AskOptions) -> Retrieved:
    if opts.mode == "zero-shot":
        settings = RetrievalSettings(k_examples=0, k_notes=0, whole_schema_up_to=10**9)
        return retrieve(question, session.catalog, None, settings)
    return retrieve(
        question,
        session.catalog,
        session.index,
        opts.retrieval,
        pinned=session.pinned,
        exclude_examples=opts.exclude_examples,
        examples_index=opts.examples_index,
    )


def _db_message(exc: sa.exc.DBAPIError) -> str:
    return "The database rejected the query: " + str(exc.orig).splitlines()[0][:300]
