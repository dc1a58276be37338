"""The fallback model: a second model asked the whole question again when the first comes up empty."""

import json
import subprocess
import sys

from engine.llm.loader import load_model
from engine.llm.registry import ModelRegistry
from engine.pipeline import AskOptions, ask
from engine.session import open_session
from engine.settings import AskSettings, parse_assignment
from tests.engine.test_pipeline import CancelledWhileCheckingModel, ScriptedModel


class Named(ScriptedModel):
    def __init__(self, name, outputs, prompt_style="chatml"):
        super().__init__(outputs)
        self.name, self.prompt_style = name, prompt_style


def _opts(fallback):
    return AskOptions(max_repairs=0, fallback_model=fallback)


def test_an_empty_answer_is_asked_again_of_the_fallback_model(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    first = Named("first", [" Title FROM Album WHERE Title = 'nothing like this'"])
    second = Named("second", [" COUNT(*) FROM Album"], prompt_style="plain")
    res = ask("How many albums?", session, first, _opts(second))
    assert res.ok and res.rows == [[347]]
    assert res.trace.model == "second" and "first's answer gave no rows; asked second instead." in res.trace.notes
    assert [a.sql for a in res.trace.attempts] == ["SELECT Title FROM Album WHERE Title = 'nothing like this'",
                                                   "SELECT COUNT(*) FROM Album"]
    assert not second.prompts[0].startswith("<|im_start|>")  # asked in its own prompt style


def test_a_failed_answer_is_asked_again_and_one_with_rows_is_left_alone(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    second = Named("second", [" COUNT(*) FROM Album"])
    res = ask("How many albums?", session, Named("first", [" nope FROM nowhere"]), _opts(second))
    assert res.ok and res.rows == [[347]] and "first's answer gave error:" in res.trace.notes[0]
    untouched = Named("second", [" COUNT(*) FROM Artist"])
    res = ask("How many albums?", session, Named("first", [" COUNT(*) FROM Album"]), _opts(untouched))
    assert res.rows == [[347]] and untouched.prompts == [] and res.trace.model == "first"


def test_the_first_answer_stays_when_the_fallback_does_no_better(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    first = Named("first", [" Title FROM Album WHERE Title = 'x'"])
    second = Named("second", [" nope FROM nowhere"])
    res = ask("Albums called x?", session, first, _opts(second))
    assert res.ok and res.rows == [] and "WHERE Title = 'x'" in res.sql and res.trace.model == "first"
    assert any("second did no better" in n for n in res.trace.notes) and len(res.trace.attempts) == 2


def test_an_answer_lacking_what_the_question_asks_is_asked_again_when_the_lever_is_on(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    lacking = " Title FROM Album"  # rows, but no COUNT for "how many"
    res = ask("How many albums?", session, Named("first", [lacking]), _opts(Named("second", [" COUNT(*) FROM Album"])))
    assert res.trace.model == "first" and res.trace.lacks == ["COUNT(…) (count)"]  # off: the trace says, nothing more
    second = Named("second", [" COUNT(*) FROM Album"])
    opts = AskOptions(max_repairs=0, fallback_model=second, fallback_when_lacking=True)
    res = ask("How many albums?", session, Named("first", [lacking]), opts)
    assert res.rows == [[347]] and res.trace.model == "second" and res.trace.lacks == []
    assert res.trace.notes[0] == "first's answer lacks COUNT(…) (count); asked second too."
    no_better = Named("second", [" AlbumId FROM Album"])  # lacks the same: the first answer stays
    res = ask("How many albums?", session, Named("first", [lacking]),
              AskOptions(max_repairs=0, fallback_model=no_better, fallback_when_lacking=True))
    assert res.trace.model == "first" and len(res.rows) == 347 and len(no_better.prompts) == 1
    assert any("second did no better" in n for n in res.trace.notes) and len(res.trace.attempts) == 2


def test_a_refusal_or_a_cancel_is_final(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    second = Named("second", [" COUNT(*) FROM Album"])
    res = ask("Drop it", session, Named("first", ["```sql\nDELETE FROM Album\n```"]), _opts(second))
    assert res.error.startswith("Refused") and second.prompts == []
    cancelled = CancelledWhileCheckingModel([" nope FROM nowhere", " nope FROM nowhere"])
    res = ask("?", session, cancelled, AskOptions(max_repairs=1, fallback_model=second))
    assert "cancelled" in res.error and second.prompts == []


def test_the_setting_names_a_model_and_unknown_names_are_refused(workspace):
    s = parse_assignment(AskSettings(), "fallback_model=gemma3-270m")
    assert s.fallback_model == "gemma3-270m" and AskSettings().fallback_model == "gemma3-270m-sql"  # the bundled fine-tune
    assert parse_assignment(AskSettings(), "fallback_model=").fallback_model == ""  # off
    assert AskSettings().options().fallback_when_lacking  # on by default (measured)
    assert not parse_assignment(AskSettings(), "fallback_when_lacking=off").options().fallback_when_lacking
    out = subprocess.run([sys.executable, "-m", "engine.cli", "settings", "set", "fallback_model=no-such-model",
                          "--workspace", str(workspace.root)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "No model named 'no-such-model'" in out.stderr


def test_the_fallback_loads_only_when_asked_and_one_that_cannot_load_leaves_the_first_answer(chinook_url, workspace, tmp_path):
    from engine.llm.loader import LazyModel, load_fallback

    reg = ModelRegistry(workspace.models_dir)
    assert load_fallback(reg, AskSettings(fallback_model=""), None) is None
    assert load_fallback(reg, AskSettings(fallback_model="smollm2-135m-sql"), Named("smollm2-135m-sql", [])) is None  # itself
    lazy = load_fallback(reg, AskSettings(), Named("smollm2-135m-sql", []))
    assert isinstance(lazy, LazyModel) and lazy.name == "gemma3-270m-sql" and lazy.prompt_style == "plain"
    assert lazy._model is None  # nothing loaded until an answer comes up empty
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF but not really")
    broken = LazyModel(reg, str(bad))
    session = open_session(workspace, chinook_url)
    res = ask("Albums called x?", session, Named("first", [" Title FROM Album WHERE Title = 'x'"]), _opts(broken))
    assert res.ok and res.rows == [] and res.trace.model == "first"
    assert any("could not be loaded" in n and "choose another in Settings" in n for n in res.trace.notes)


def test_two_models_stay_loaded_and_a_third_evicts_the_oldest(workspace):
    reg = ModelRegistry(workspace.models_dir)
    a, b = load_model(reg, "smollm2-135m", n_threads=1), load_model(reg, "smollm2-135m-sql", n_threads=1)
    assert a is not b and load_model(reg, "smollm2-135m", n_threads=1) is a
    c = load_model(reg, "smollm2-135m", n_threads=2)  # another thread count is another load
    assert load_model(reg, "smollm2-135m-sql", n_threads=1) is not b  # b was the oldest: evicted
    assert c is not a


def test_cli_ask_with_a_real_fallback_model(chinook_url, workspace):
    """Both real models: the shipped fine-tune answers, the base SmolLM2 is its fallback. No artist
    is called Zzyzx, so the first answer finds nothing and the fallback must be asked."""

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "engine.cli", *args, "--workspace", str(workspace.root)],
                              capture_output=True, text=True, timeout=600)

    # no resampling: the first model's greedy answer (and its repairs) is what comes up empty
    assert cli("settings", "set", "fallback_model=smollm2-135m", "skeleton_samples=0", "failure_samples=0").returncode == 0
    out = cli("ask", "List the titles of the albums by the artist Zzyzx", "--db", chinook_url, "--json")
    trace = json.loads(out.stdout)["trace"]
    notes = " ".join(trace["notes"])
    assert "asked smollm2-135m instead" in notes or "smollm2-135m did no better" in notes, trace["notes"]
    assert len(trace["attempts"]) >= 2 and all(a["raw_output"] for a in trace["attempts"])
