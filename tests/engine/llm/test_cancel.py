"""Cancel on the real llama.cpp model: a Cancel lasts until the next user action begins, so one
pressed between two generations of an ask (while its SQL is checked) stops the next generation."""

from __future__ import annotations

import pytest

from engine.llm.base import GenerationCancelled, GenerationSettings

PROMPT = "CREATE TABLE artist (id INTEGER, name TEXT);\n-- Question: list the artist names\nSELECT"


def test_a_cancel_between_generations_stops_the_next_one(smol_model):
    settings = GenerationSettings(max_tokens=8)
    smol_model.begin()
    assert smol_model.complete(PROMPT, settings).strip()  # a clean start generates
    smol_model.cancel()  # pressed after that generation ended, e.g. while its SQL was checked
    with pytest.raises(GenerationCancelled):
        smol_model.complete(PROMPT, settings)
    with pytest.raises(GenerationCancelled):  # still cancelled: a repair or a sample stops too
        smol_model.complete(PROMPT, settings)
    smol_model.begin()  # the next question
    assert smol_model.complete(PROMPT, settings).strip()


def test_a_cancel_during_streaming_stops_that_generation(smol_model):
    smol_model.begin()
    seen: list[str] = []

    def on_token(text: str) -> None:
        seen.append(text)
        smol_model.cancel()

    with pytest.raises(GenerationCancelled):
        smol_model.complete(PROMPT, GenerationSettings(max_tokens=32), on_token)
    assert len(seen) == 1
    smol_model.begin()
