"""KV snapshots of expensive prefixes: a prompt switch must not cost the other prompt its cache,
and a restored state must generate exactly what a fresh evaluation does."""

from __future__ import annotations

from engine.llm.base import GenerationSettings
from engine.llm.llama_backend import LlamaModel
from engine.llm.prefix_states import PrefixStates, common_prefix

SCHEMA = "".join(
    f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT, amount REAL, t{max(i - 1, 0)}_id INTEGER);\n"
    for i in range(40)
)
OTHER = "".join(f"CREATE TABLE other{i} (key TEXT, value TEXT);\n" for i in range(30))


def prompt(schema: str, question: str) -> str:
    return f"{schema}\n-- Question: {question}\nSELECT"


def test_common_prefix():
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    assert common_prefix([1, 2], [1, 2, 3]) == 2
    assert common_prefix([], [1]) == 0


def test_switching_prompts_restores_the_schema_state_and_output_is_unchanged(smol_model, smol_path):
    settings = GenerationSettings(max_tokens=24)
    fresh = LlamaModel(smol_path, name="fresh", prompt_style="plain", n_ctx=4096)
    fresh.prefix_states = PrefixStates(fresh.llm, capacity=0)  # the reference: no snapshots
    expected = fresh.complete(prompt(SCHEMA, "how many rows are in t3?"), settings)
    del fresh

    states = smol_model.prefix_states
    before = states.restores
    smol_model.complete(prompt(SCHEMA, "list the names in t1"), settings)  # evaluates the schema: snapshot
    smol_model.complete(prompt(OTHER, "list the keys"), settings)  # replaces the live KV cache
    got = smol_model.complete(prompt(SCHEMA, "how many rows are in t3?"), settings)
    assert states.restores == before + 1, "the schema prefix should have come back from its snapshot"
    assert got == expected
    # and the live cache now holds the schema prompt, so it needs only the question evaluated
    tokens = smol_model.llm.tokenize(prompt(SCHEMA, "name of t9").encode(), add_bos=True, special=True)
    assert states.prepare(tokens) < 20


def test_snapshots_are_bounded(smol_model):
    states = smol_model.prefix_states
    settings = GenerationSettings(max_tokens=4)
    for i in range(4):
        smol_model.complete(prompt(OTHER.replace("other", f"x{i}_"), "list"), settings)
    assert len(states._snaps) <= states.capacity


def test_an_incompatible_llama_object_switches_snapshots_off():
    states = PrefixStates(object())
    assert states.prepare([1, 2, 3]) == 3
    assert not states.enabled
    states.remember(10_000)  # no error, nothing saved
    assert states.nbytes == 0


def test_the_thread_setting_bounds_prompt_batches_too(smol_path):
    """`--threads 1` evaluations side by side: llama-cpp-python's default batch threads (every core)
    made each process spin two threads, and a short prompt suffix took up to 40× longer."""
    one = LlamaModel(smol_path, name="one", prompt_style="plain", n_ctx=512, n_threads=1)
    assert (one.llm.n_threads, one.llm.n_threads_batch) == (1, 1)
