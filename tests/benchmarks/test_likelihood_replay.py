"""The likelihood judge: its selection rules, and a real model's scores of a right and a garbled answer."""

from benchmarks.likelihood_replay import Pair, Scorer, select
from engine.llm.registry import ModelRegistry
from engine.pipeline import AskOptions, first_prompt
from engine.session import open_session
from engine.workspace import Workspace
from tests.conftest import CHINOOK


def _p(a_right=False, b_right=False, a_empty=False, b_empty=False, same=False, asked=True, kept=False, scores=None) -> Pair:
    return Pair(0, a_right, b_right, a_empty, b_empty, same, asked, kept, scores or {})


def test_the_more_likely_answer_wins_only_where_results_differ():
    s = {"m1": (-1.0, -0.5), "m2": (-0.2, -0.6)}  # summed: b −1.1 vs a −1.2
    p = _p(b_right=True, scores=s)
    assert select(p, "always, likelihood", ["m1", "m2"]) is True
    assert select(p, "always, likelihood", ["m2"]) is False
    assert select(_p(a_right=True, same=True), "always, likelihood", ["m1"]) is True  # agreement needs no judge
    assert select(_p(b_right=True, a_empty=True), "always, likelihood", ["m1"]) is True  # rows beat none
    assert select(_p(b_right=True, asked=False, scores=s), "today, likelihood", ["m1"]) is False  # never asked
    assert select(_p(b_right=True, kept=True), "today", []) is True
    assert select(_p(a_right=True), "oracle", []) is True


def test_a_real_model_finds_the_plain_answer_more_likely_than_a_garbled_one(tmp_path):
    ws = Workspace(tmp_path / "ws")
    session = open_session(ws, f"sqlite:///{CHINOOK}")
    scorer = Scorer(ModelRegistry(ws.models_dir), "smollm2-135m-sql", n_ctx=2048)
    prompt = first_prompt("How many albums are there?", session, AskOptions(), scorer.style).prompt.text
    right = scorer.mean_logprob(prompt, "SELECT COUNT(*) FROM Album")
    garbled = scorer.mean_logprob(prompt, "SELECT Album FROM COUNT(*) WHERE Milliseconds")
    assert right > garbled
    assert scorer.mean_logprob(prompt, "SELECT COUNT(*) FROM Album") == right  # the prompt's cache gives the same score
