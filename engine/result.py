"""The values that come out of an ask: the SQL, the rows, and the trace of how they were made."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Attempt:
    raw_output: str
    sql: str
    error: str = ""  # validation or execution error that triggered a repair
    rule: str = ""
    fixes: list[str] = field(default_factory=list)  # table and column linking's changes to the model's SQL


@dataclass
class Trace:
    model: str = ""
    mode: str = ""
    tables: list[dict] = field(default_factory=list)  # {name, score, why}
    examples: list[dict] = field(default_factory=list)  # {question, sql, score}
    notes: list[str] = field(default_factory=list)
    prompt: str = ""
    attempts: list[Attempt] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds (summed over repairs)
    lacks: list[str] = field(default_factory=list)  # what the answer lacks that the question's words ask for

    def add_time(self, stage: str, seconds: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + seconds


@dataclass
class AskResult:
    question: str
    sql: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    truncated: bool = False
    error: str | None = None
    trace: Trace = field(default_factory=Trace)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        return asdict(self)
