"""ask(): retrieve → prompt → generate → validate → execute, repairing on failure."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from engine.execute.connect import ConnectionProblem
from engine.execute.runner import DEFAULT_ROW_CAP, QueryCancelled, QueryTimeout
from engine.index.store import KnowledgeIndex
from engine.llm.base import GenerationCancelled, GenerationSettings, SqlModel
from engine.llm.gguf_check import ModelFileProblem
from engine.llm.registry import UnknownModel
from engine.prompt.builder import Prompt, PromptParts, build_prompt, repair_prompt
from engine.prompt.schema_text import schema_text
from engine.result import AskResult, Attempt, Trace
from engine.retrieval.retrieve import RetrievalSettings, Retrieved, ScoredItem, retrieve
from engine.session import Session
from engine.sql.errors import SqlRejected
from engine.sql.extract import extract_sql
from engine.sql.lacks import lacks, missing_part_texts, unread_column_texts
from engine.sql.validate import check_sql

MODES = ("zero-shot", "rag")


@dataclass
class AskOptions:
    # auto: the whole schema when it is small enough (the bundled fine-tune was trained on that
    # prompt and measured best), retrieval otherwise; zero-shot: whole schema; rag: retrieval
    mode: str = "auto"
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
    value_linking: bool = True  # retrieval prompts: linked values as hints (and their tables pulled in)
    value_hints_whole_schema: bool = False  # the same hints in whole-schema prompts (the adapter never saw them)
    column_linking: bool = True  # fix misnamed / misplaced columns (and tables) before asking the model to repair
    table_linking: bool = True  # with column_linking: `TV_channels` → `TV_Channel` when one table fits
    # with column_linking: a string compared with a column that never stores it is respelt as the
    # column does ('Republican' → 'Republic', 'france' → 'France'), from the connection's value index
    literal_linking: bool = False
    candidates: int = 1  # >1: execution-guided selection among sampled candidates
    # a whole-schema answer that still fails after its repairs is asked again with retrieval:
    # on full Spider dev the two prompts fail on different questions (ft 305, ft+rag 311, either 345)
    rag_fallback: bool = False
    # >0: an answer that runs but lacks what the question's wording asks for (COUNT for "how
    # many", ORDER BY … LIMIT for "oldest", …) gets this many sampled alternatives (engine.sql.skeleton)
    skeleton_samples: int = 0
    # with skeleton_samples > 0: an answer that returns no rows (or only NULLs) is resampled too.
    # Spider dev's gold queries return rows 95 % of the time; the fine-tune's wrong answers are empty 10× as often as its right ones
    resample_empty: bool = False
    # with skeleton_samples > 0: an answer that reads no column whose whole name the question
    # spells ("average life expectancy" without LifeExpectancy) is resampled too (engine.sql.named_columns)
    resample_unread: bool = False
    # >0: an answer that still fails after its repairs (and the retrieval fallback) gets this many
    # sampled alternatives of its prompt; one that runs beats an error, which is always wrong
    failure_samples: int = 0
    sample_temperature: float = 0.7
    # a second model asked the whole question again when this one's final answer fails or returns
    # nothing (only NULLs): two small models fail on different questions (engine.settings has the figures)
    fallback_model: SqlModel | None = None
    # with a fallback model: an answer that runs but still lacks what the question's words ask for
    # (trace.lacks: a COUNT for "how many", a column the question spells) is asked of it too, and
    # its answer is kept if it has rows and lacks less (engine.settings has the figures)
    fallback_when_lacking: bool = False


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
    # once per question, not per generation or query: a Cancel pressed at any point of this ask
    # (the retrieval fallback's second pass included) stops what comes next
    session.db.begin()
    model.begin()
    opts = options or AskOptions()
    result, final = _answer(question, session, model, opts, on_token)
    fallback = opts.fallback_model
    if fallback is not None and fallback.name != model.name and not final and _wants_second_model(result, opts):
        result = _ask_fallback_model(question, session, opts, on_token, result)
    return result


def _came_up_empty(result: AskResult) -> bool:
    """An error or no rows: what the fallback model is asked again for."""
    return bool(result.error) or returns_nothing(result.rows)


def _wants_second_model(result: AskResult, opts: AskOptions) -> bool:
    return asks_fallback(_came_up_empty(result), result.trace.lacks, opts.fallback_when_lacking)


def asks_fallback(empty: bool, lacking: list[str], when_lacking: bool) -> bool:
    """Whether a final answer goes to the fallback model: an error or no rows, or (with
    fallback_when_lacking) rows that lack what the question asks for. The replay decides with it too."""
    return empty or (when_lacking and bool(lacking))


def keeps_fallback(first_empty: bool, first_lacking: list[str], second_empty: bool, second_lacking: list[str]) -> bool:
    """Whether the fallback's answer replaces the first: it has rows and, when the first had rows
    too, it lacks fewer parts. The replay decides with it too."""
    return not second_empty and (first_empty or len(second_lacking) < len(first_lacking))


def _ask_fallback_model(question, session, opts, on_token, first: AskResult) -> AskResult:
    """The fallback model's answer if it has rows (and, for a first answer that has rows but lacks
    parts, if it lacks fewer); the first answer otherwise. Either way the trace keeps both models'
    attempts, so the user sees why the answer came from where it did."""
    fallback = opts.fallback_model
    try:
        fallback.begin()  # loads a LazyModel
    except (ModelFileProblem, UnknownModel, OSError) as exc:
        first.trace.notes.append(f"The fallback model {fallback.name} could not be loaded ({exc}); choose another in Settings.")
        return first
    second, final = _answer(question, session, fallback, replace(opts, fallback_model=None), on_token)
    first_empty = _came_up_empty(first)
    if first_empty:
        why, instead = (f"gave error: {first.error}" if first.error else "gave no rows"), "instead"
    else:
        why, instead = f"lacks {', '.join(first.trace.lacks)}", "too"
    if final or not keeps_fallback(first_empty, first.trace.lacks, _came_up_empty(second), second.trace.lacks):
        first.trace.notes.append(f"{first.trace.model}'s answer {why}; {fallback.name} did no better, so its answer was not used.")
        _join_passes(first.trace, first.trace, second.trace)
        return first
    second.trace.notes = [f"{first.trace.model}'s answer {why}; asked {fallback.name} {instead}."] + second.trace.notes
    _join_passes(second.trace, first.trace, second.trace)
    return second


def _join_passes(kept: Trace, first: Trace, second: Trace) -> None:
    """The kept pass's trace (one of the two) gets both passes' attempts, in order, and their summed stage times."""
    other = second if kept is first else first
    kept.attempts = first.attempts + second.attempts
    for stage, seconds in other.timings.items():
        kept.add_time(stage, seconds)


def _answer(question: str, session: Session, model: SqlModel, opts: AskOptions, on_token) -> tuple[AskResult, bool]:
    """The answer, and whether it is final (a refusal, timeout or cancel: nothing may ask again)."""
    opts = replace(opts, mode=resolve_mode(opts.mode, session.catalog))
    trace = Trace(model=model.name, mode=opts.mode)
    result = AskResult(question=question, trace=trace)
    start = time.perf_counter()
    catalog = session.catalog

    with _Stopwatch(trace, "retrieve"):
        prepared = first_prompt(question, session, opts, model.prompt_style)
    retrieved, links = prepared.retrieved, prepared.links
    trace.tables = [{"name": t.name, "score": round(t.score, 4), "why": t.why} for t in retrieved.tables]
    trace.examples = [{"question": e.question, "sql": e.sql, "score": round(e.score, 4)} for e in retrieved.examples]
    trace.notes = retrieved.notes + [link.hint() for link in links]
    first = prepared.prompt
    trace.prompt = first.text
    gen = opts.generation
    if opts.grammar is not None:
        gen = GenerationSettings(**{**gen.__dict__, "grammar": opts.grammar(catalog, retrieved.table_names())})

    outcome = None
    if opts.candidates > 1:
        outcome = _select_by_execution(first, gen, session, model, opts, trace, on_token)
    if outcome is None or (not outcome.ok and not outcome.final):
        outcome = _generate_and_repair(first, gen, session, model, opts, trace, on_token)
    if not outcome.ok and not outcome.final and opts.rag_fallback and opts.mode == "zero-shot":
        return _ask_again_with_retrieval(question, session, model, opts, on_token, trace, start)
    if not outcome.ok and not outcome.final and opts.failure_samples > 0:
        outcome = _sample_after_failure(question, outcome, first, gen, session, model, opts, trace)
    elif outcome.ok and opts.skeleton_samples > 0:
        outcome = _match_question_shape(question, outcome, first, gen, session, model, opts, trace)
    result.sql, result.error = outcome.sql, outcome.error
    if outcome.rows is not None:
        result.columns, result.rows, result.truncated = outcome.rows.columns, outcome.rows.rows, outcome.rows.truncated
    if outcome.ok:
        trace.lacks = lacks(question, outcome.sql, catalog, outcome.model_sql)  # whatever the resampling levers
    trace.timings["total"] = time.perf_counter() - start
    return result, outcome.final


@dataclass
class FirstPrompt:
    prompt: Prompt
    retrieved: Retrieved
    links: list  # engine.retrieval.value_link.ValueLink


def first_prompt(question: str, session: Session, opts: AskOptions, prompt_style: str) -> FirstPrompt:
    """Retrieval, value links and the prompt a model is first asked with:
    `ask` builds it, and so does anything that scores answers against what the model saw."""
    opts = replace(opts, mode=resolve_mode(opts.mode, session.catalog))
    catalog = session.catalog
    retrieved = _retrieve(question, session, opts)
    links = session.value_index().link(question) if _links_values(opts) else []
    for link in links:  # a linked value pulls its table into the prompt
        if link.table not in retrieved.table_names():
            retrieved.tables.append(ScoredItem(link.table, 1.0, "value"))
    # few-shot examples must speak this schema: one naming other tables teaches wrong identifiers
    retrieved.examples = [e for e in retrieved.examples if _fits_schema(e.sql, catalog)]
    parts = PromptParts(
        dialect=catalog.dialect,
        schema=schema_text(catalog, retrieved.table_names(), opts.schema_style, opts.schema_samples),
        question=question,
        examples=[(e.question, e.sql) for e in reversed(retrieved.examples)],  # most similar nearest the question
        notes=opts.notes + retrieved.notes,
        history=opts.history,
        hints=[link.hint() for link in links],
    )
    return FirstPrompt(build_prompt(parts, prompt_style), retrieved, links)


def _ask_again_with_retrieval(question, session, model, opts, on_token, first: Trace, start: float) -> tuple[AskResult, bool]:
    """The retrieval prompt's answer, with the failed whole-schema attempts kept in its trace."""
    second, final = _answer(question, session, model, replace(opts, mode="rag", rag_fallback=False), on_token)
    t = second.trace
    t.mode = "zero-shot, then rag"
    t.notes = ["The whole-schema answer failed; asked again with retrieved tables and examples."] + t.notes
    _join_passes(t, first, t)
    t.timings["total"] = time.perf_counter() - start
    return second, final


@dataclass
class _Outcome:
    sql: str
    error: str | None = None
    rows: object = None  # ExecResult
    final: bool = False  # a refusal, timeout or cancel: do not try again
    model_sql: str = ""  # as the model wrote it (before linking fixes and the row cap's LIMIT)

    @property
    def ok(self) -> bool:
        return self.error is None and self.rows is not None


_NEVER_REPAIR = ("not_read_only", "forbidden_function", "multi_statement", "not_select", "control_char")


def _try_once(prompt, gen, session, model, opts, trace, on_token) -> _Outcome:
    """Generate, check and execute one candidate."""
    try:
        with _Stopwatch(trace, "generate"):
            raw = model.complete(prompt.text, gen, on_token)
    except GenerationCancelled as exc:
        return _Outcome("", str(exc), final=True)
    sql = extract_sql(raw, prompt.answer_prefix)
    attempt = Attempt(raw_output=raw, sql=sql)
    trace.attempts.append(attempt)
    try:
        with _Stopwatch(trace, "validate"):
            checked = check_sql(sql, session.catalog, row_cap=opts.row_cap, link=opts.column_linking,
                                link_tables=opts.table_linking, question=prompt.question,
                                values=session.value_index() if opts.literal_linking else None)
            attempt.fixes = checked.fixes
        with _Stopwatch(trace, "execute"):
            rows = session.db.run(checked.sql, row_cap=opts.row_cap, timeout_s=opts.timeout_s)
    except SqlRejected as exc:
        attempt.error, attempt.rule = str(exc), exc.rule
        if exc.rule in _NEVER_REPAIR:  # never repair towards a write: the refusal is the answer
            return _Outcome(sql, f"Refused: {exc}", final=True)
        return _Outcome(sql, attempt.error)
    except (QueryTimeout, QueryCancelled, ConnectionProblem) as exc:
        attempt.error, attempt.rule = str(exc), "execute"
        return _Outcome(checked.sql, str(exc), final=True)
    except sa.exc.DBAPIError as exc:
        attempt.error, attempt.rule = _db_message(exc), "execute"
        return _Outcome(checked.sql, attempt.error)
    return _Outcome(checked.sql, None, rows, model_sql=sql)


def _generate_and_repair(first, gen, session, model, opts, trace, on_token) -> _Outcome:
    prompt = first
    outcome = _Outcome("", "no attempt")
    tried: set[str] = set()
    for attempt_no in range(opts.max_repairs + 1):
        outcome = _try_once(prompt, gen, session, model, opts, trace, on_token)
        if outcome.ok or outcome.final:
            break
        if outcome.sql in tried and not gen.temperature:
            # the repair gave back SQL already tried: its repair prompt would be the same prompt
            # again, and greedy decoding the same answer, so further repairs only cost time
            trace.notes.append("The repair repeated an earlier answer; stopped repairing.")
            break
        tried.add(outcome.sql)
        if attempt_no < opts.max_repairs:
            prompt = repair_prompt(first, outcome.sql, outcome.error, model.prompt_style)
    return outcome


def _select_by_execution(prompt, gen, session, model, opts, trace, on_token) -> _Outcome | None:
    """Greedy plus sampled candidates; those that run vote with their result sets."""
    outcomes = []
    for i in range(opts.candidates):
        g = gen if i == 0 else _sampled(gen, opts, seed=i)
        o = _try_once(prompt, g, session, model, opts, trace, on_token if i == 0 else None)
        if o.final and o.error and o.error.startswith("Refused"):
            return o
        outcomes.append(o)
    runnable = [o for o in outcomes if o.ok]
    if not runnable:
        return outcomes[0]
    # those lacking nothing the question asks for vote first: on the same sampled candidates
    # (benchmarks/selector_replay.py) this picks 96 of 200 Spider dev answers right where a
    # plain vote picks 88
    fitting = [o for o in runnable if not _shortfalls(prompt.question, o, session, opts)]
    return _most_agreed(fitting or runnable)


def _sampled(gen: GenerationSettings, opts: AskOptions, seed: int) -> GenerationSettings:
    return GenerationSettings(**{**gen.__dict__, "temperature": opts.sample_temperature, "seed": seed})


def result_key(rows: list) -> str:
    """What candidates vote with: their result set, row order ignored (benchmarks replay it too)."""
    return repr(sorted(map(repr, rows)))


def returns_nothing(rows: list) -> bool:
    """No rows, or only NULLs: the result the empty-result check resamples."""
    return not rows or all(v is None for row in rows for v in row)


def _most_agreed(outcomes: list[_Outcome]) -> _Outcome:
    """The outcome whose result set most of them share; ties keep the earliest (greedy first)."""
    votes: dict[str, list[_Outcome]] = {}
    for o in outcomes:
        votes.setdefault(result_key(o.rows.rows), []).append(o)
    return max(votes.values(), key=len)[0]


def _shortfalls(question: str, o: _Outcome, session: Session, opts: AskOptions) -> list[str]:
    """What a running answer lacks: parts the question's words ask for, and rows if it has none."""
    out = missing_part_texts(question, o.model_sql, session.catalog.dialect)
    if opts.resample_empty and returns_nothing(o.rows.rows):
        out.append("any rows (the result was empty)")
    if opts.resample_unread:
        out += unread_column_texts(question, o.sql, session.catalog)
    return out


def _runnable_samples(n, first_seed, prompt, gen, session, model, opts, trace) -> list[_Outcome]:
    """n sampled answers to the prompt (fixed seeds, so a question resamples the same way); those that run."""
    outcomes = [_try_once(prompt, _sampled(gen, opts, seed=first_seed + i), session, model, opts, trace, None) for i in range(n)]
    return [o for o in outcomes if o.ok]


def _sample_after_failure(question, outcome, prompt, gen, session, model, opts, trace) -> _Outcome:
    """Sampled alternatives of the prompt for an answer every repair failed on: among those that
    run, the ones lacking nothing the question asks for first, then the result most agree on."""
    runs = _runnable_samples(opts.failure_samples, 200, prompt, gen, session, model, opts, trace)
    if not runs:
        trace.notes.append(f"The answer failed; none of {opts.failure_samples} sampled alternatives ran either.")
        return outcome
    fitting = [o for o in runs if not _shortfalls(question, o, session, opts)]
    trace.notes.append(f"The answer failed; chose a sampled alternative that runs ({len(runs)} of {opts.failure_samples} did).")
    return _most_agreed(fitting or runs)


def _match_question_shape(question, outcome, prompt, gen, session, model, opts, trace) -> _Outcome:
    """Sample alternatives when the answer lacks a part the question asks for (or any rows);
    among those that run and lack nothing, the result set most of them agree on wins; none:
    keep the answer."""
    missing = _shortfalls(question, outcome, session, opts)
    if not missing:
        return outcome
    runs = _runnable_samples(opts.skeleton_samples, 100, prompt, gen, session, model, opts, trace)
    fitting = [o for o in runs if not _shortfalls(question, o, session, opts)]
    needs = ", ".join(missing)
    if not fitting:
        trace.notes.append(f"The answer lacks {needs}; none of {opts.skeleton_samples} sampled alternatives ran with it.")
        return outcome
    chosen = _most_agreed(fitting)
    trace.notes.append(f"The first answer lacked {needs}; chose a sampled alternative that has it ({len(fitting)} of {opts.skeleton_samples} did).")
    return chosen


def _links_values(opts: AskOptions) -> bool:
    return opts.value_linking and (opts.mode != "zero-shot" or opts.value_hints_whole_schema)


def _fits_schema(sql: str, catalog) -> bool:
    try:
        check_sql(sql, catalog, row_cap=None)
    except SqlRejected:
        return False
    return True


WHOLE_SCHEMA_MAX_COLUMNS = 120


def resolve_mode(mode: str, catalog) -> str:
    if mode != "auto":
        return mode
    return "zero-shot" if sum(len(t.columns) for t in catalog.tables) <= WHOLE_SCHEMA_MAX_COLUMNS else "rag"


def _retrieve(question: str, session: Session, opts: AskOptions) -> Retrieved:
    if opts.mode == "zero-shot":
        # the whole schema, but still the user's notes (business terms) when there are any: the
        # fine-tune learnt to read a prompt's Notes (BIRD's evidence), and small schemas take this path
        k_notes = opts.retrieval.k_notes if session.catalog.notes else 0
        settings = RetrievalSettings(k_examples=0, k_notes=k_notes, whole_schema_up_to=10**9, mode=opts.retrieval.mode)
        return retrieve(question, session.catalog, session.index if k_notes else None, settings, pinned=session.pinned)
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
