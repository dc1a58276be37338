"""User settings shared by the GUI's settings dialog and `sqlsage settings`: one place, one file.

They live in the workspace's settings.json beside other keys (the GUI's last connection), so
saving settings never drops those.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields

from engine.execute.runner import DEFAULT_ROW_CAP
from engine.workspace import Workspace

KEY = "ask"


@dataclass
class AskSettings:
    threads: int = min(4, os.cpu_count() or 2)
    context_size: int = 4096
    temperature: float = 0.0
    row_cap: int = DEFAULT_ROW_CAP
    timeout_s: float = 30.0
    repair_attempts: int = 2
    constrained_decoding: bool = False  # measured with the 1500-step adapter: 15 → 13 of 84 on Chinook, 4× latency
    candidates: int = 1  # >1: execution-guided selection among N sampled candidates
    column_linking: bool = True  # fix misnamed tables and misnamed / misplaced columns before the model repairs
    # with column linking: a string compared with a column that never stores it is respelt the way
    # the column stores it ('Republican' → 'Republic'); replayed on the recorded full Spider dev
    # answers: 12 changed, 5 gained, 0 lost; Chinook 1 changed, 1 gained
    literal_linking: bool = True
    # auto mode: a whole-schema answer that fails after its repairs is asked again with retrieval;
    # it only ever changes answers that failed (full Spider dev, from the two recorded runs: 305 -> 324 of 1034)
    rag_fallback: bool = True
    # an answer that runs but lacks what the question's words ask for (COUNT for "how many", …)
    # gets this many sampled alternatives (engine/sql/skeleton.py); 0 turns the check off.
    # Measured with the 2150-step adapter: Spider dev sample 200 ft 65 -> 67 (20 questions resampled,
    # none lost), Chinook 22 -> 22 of 84 (2 resampled); the p50 question is not resampled.
    # 4 -> 8 (with failure_samples 4 -> 8; session 15): Spider dev sample 200 99 -> 101, Chinook
    # 56 -> 58, held-out Sakila 31 -> 36 of 82 (9 gained, 2 lost in all); all 1034 Spider dev 514 -> 522;
    # ~40 % more generations, none on the median question (p95 latency +15 %)
    skeleton_samples: int = 8
    # with the shape check: an answer that returns no rows (or only NULLs) is resampled the same way.
    # Measured (2150-step adapter): Chinook 22 -> 27 of 84, nothing lost; see benchmarks/README.md, session 7
    resample_empty: bool = True
    # with the shape check: an answer that reads no column whose whole name the question spells
    # ("life expectancy", "cylinders") is resampled the same way (engine/sql/named_columns.py).
    # It flags 70 of Spider dev's 454 recorded wrong answers and 10 of its 512 right ones, but live
    # it changed 0 of 84 Chinook and 0 of 82 Sakila answers and gained 1 of 200 on Spider dev (by
    # luck) for 7 % more generations (session 13), so it is off by default
    resample_unread: bool = False
    # an answer that still fails after its repairs and the retrieval fallback gets this many sampled
    # alternatives; one that runs replaces the error (which is always wrong). 0 turns it off.
    # Measured (session 8, with the other defaults): Spider dev sample 200 75 -> 79 (with table
    # linking's 1), Chinook 27 -> 28 of 84; nothing lost, p50 unchanged (only failed answers pay).
    # 8 since session 15, with skeleton_samples (errors on Spider dev sample 200: 13 -> 8)
    failure_samples: int = 8
    # a second model (a registry name; "" = none) asked the whole question again when the first
    # one's final answer fails or returns nothing; its answer is kept only if it has rows.
    # Measured (session 19, exact replay of both models' recorded answers): Spider dev sample 200
    # 102 -> 106, Chinook 58 -> 60, held-out Sakila 36 -> 38 of 82; asked on ~10 % of questions
    fallback_model: str = "gemma3-270m-sql"
    # with a fallback model: an answer that runs but lacks what the question's words ask for (a COUNT
    # for "how many", a column the question spells: AskResult.trace.lacks) is asked of it too, and its
    # answer is kept if it has rows and lacks fewer parts.
    # Measured (session 20, exact replay of both models' recorded answers): Spider dev sample 200
    # 106 -> 108, Chinook 60 -> 60, held-out Sakila 38 -> 42 of 82, defog 33 -> 33 of 210; asked on
    # 26 % of Spider questions (the median Chinook question still is not)
    fallback_when_lacking: bool = True

    def check(self) -> AskSettings:
        """Refuse values that would break an ask, with what range is allowed."""
        limits = {
            "threads": (1, 64), "context_size": (512, 131072), "temperature": (0.0, 2.0),
            "row_cap": (1, 10_000_000), "timeout_s": (0.5, 3600), "repair_attempts": (0, 5),
            "candidates": (1, 16), "skeleton_samples": (0, 16), "failure_samples": (0, 16),
        }
        for name, (lo, hi) in limits.items():
            value = getattr(self, name)
            if not lo <= value <= hi:
                raise ValueError(f"{name} must be between {lo} and {hi} (got {value})")
        return self

    def options(self, **overrides):
        """The AskOptions these settings mean; overrides (history, mode…) win.

        The retrieval fallback belongs to auto mode: an explicit mode means exactly that prompt."""
        from engine.llm.base import GenerationSettings
        from engine.pipeline import AskOptions

        opts = AskOptions(
            max_repairs=self.repair_attempts, row_cap=self.row_cap, timeout_s=self.timeout_s,
            generation=GenerationSettings(temperature=self.temperature), candidates=self.candidates,
            column_linking=self.column_linking, literal_linking=self.literal_linking, rag_fallback=self.rag_fallback,
            skeleton_samples=self.skeleton_samples, resample_empty=self.resample_empty, resample_unread=self.resample_unread,
            failure_samples=self.failure_samples, fallback_when_lacking=self.fallback_when_lacking,
        )
        if self.constrained_decoding:
            from engine.sql.grammar import schema_grammar

            opts.grammar = schema_grammar
        for k, v in overrides.items():
            setattr(opts, k, v)
        if opts.mode != "auto":
            opts.rag_fallback = False
        return opts


def load_settings(ws: Workspace) -> AskSettings:
    stored = ws.settings().get(KEY, {})
    known = {f.name for f in fields(AskSettings)}
    values = {k: v for k, v in stored.items() if k in known}
    try:
        return AskSettings(**values).check()
    except (TypeError, ValueError):
        return AskSettings()  # a hand-edited bad file must not stop the app from starting


def save_settings(ws: Workspace, settings: AskSettings) -> None:
    settings.check()
    data = ws.settings()
    data[KEY] = asdict(settings)
    ws.save_settings(data)


def parse_switch(key: str, raw: str) -> bool:
    """on/off, true/false, yes/no, 1/0; anything else is refused rather than read as off."""
    word = raw.strip().lower()
    if word not in ("true", "false", "on", "off", "1", "0", "yes", "no"):
        raise ValueError(f"{key} is on/off (got {raw!r})")
    return word in ("true", "on", "1", "yes")


def parse_assignment(settings: AskSettings, text: str) -> AskSettings:
    """Apply one `key=value` from the command line, typed like the field it sets."""
    if "=" not in text:
        raise ValueError(f"expected key=value, got {text!r}")
    key, raw = (s.strip() for s in text.split("=", 1))
    key = key.replace("-", "_")
    current = {f.name: getattr(settings, f.name) for f in fields(AskSettings)}
    if key not in current:
        raise ValueError(f"unknown setting {key!r}; known: {', '.join(current)}")
    old = current[key]
    if isinstance(old, bool):
        value: object = parse_switch(key, raw)
    elif isinstance(old, str):
        value = raw
    elif isinstance(old, int):
        value = int(raw)
    else:
        value = float(raw)
    setattr(settings, key, value)
    return settings.check()
