"""What the pipeline needs of a model: complete a prompt, optionally streaming tokens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class GenerationSettings:
    max_tokens: int = 160
    temperature: float = 0.0
    stop: list[str] = field(default_factory=lambda: [";", "<|im_end|>", "```", "\n\n\n", "Question:", "<end_of_turn>"])
    grammar: str | None = None  # GBNF
    seed: int = 0
    repeat_penalty: float = 1.1  # small models loop on AND x = 1 AND x = 1 … without it


class SqlModel(Protocol):
    name: str
    prompt_style: str

    def complete(
        self, prompt: str, settings: GenerationSettings, on_token: Callable[[str], None] | None = None
    ) -> str: ...

    def cancel(self) -> None: ...

    def begin(self) -> None:
        """A new user action starts: forget a Cancel meant for the previous one.

        `complete` must not clear it, or a Cancel pressed between two generations of one ask
        (while its SQL is being checked) would be forgotten by the next one."""
        ...


class GenerationCancelled(RuntimeError):
    pass
