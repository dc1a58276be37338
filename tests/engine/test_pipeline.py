"""The repair loop with a scripted model, then the real thing end to end."""

import json
import subprocess
import sys

from engine.pipeline import AskOptions, ask
from engine.session import open_session


class ScriptedModel:
    """Returns canned completions in order and records the prompts it saw."""

    name = "scripted"
    prompt_style = "chatml"

    def __init__(self, outputs):
        self.outputs = list(outputs)
        self.prompts = []

    def complete(self, prompt, settings, on_token=None):
        self.prompts.append(prompt)
        out = self.outputs.pop(0)
        if on_token:
            on_token(out)
        return out

    def cancel(self):
        pass

    def begin(self):
        pass


def test_repair_fixes_an_unknown_column(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    model = ScriptedModel([" Nme FROM Artist", " Name FROM Artist ORDER BY Name LIMIT 3"])
    res = ask("List three artist names", session, model, AskOptions(column_linking=False))
    assert res.ok and res.columns == ["Name"] and len(res.rows) == 3
    assert len(res.trace.attempts) == 2
    assert res.trace.attempts[0].rule == "unknown_column"
    assert "Artist.Name" in model.prompts[1]  # the suggestion went into the repair prompt
    assert set(res.trace.timings) >= {"retrieve", "generate", "validate", "execute", "total"}


def test_first_prompt_is_the_prompt_ask_sends(chinook_url, workspace):
    """Scoring answers (benchmarks/likelihood_replay.py) must see what the model saw, `auto` mode resolved."""
    from engine.pipeline import first_prompt

    session = open_session(workspace, chinook_url)
    model = ScriptedModel([" COUNT(*) FROM Album"])
    res = ask("How many albums are there?", session, model, AskOptions())
    assert model.prompts[0] == res.trace.prompt
    assert first_prompt("How many albums are there?", session, AskOptions(), "chatml").prompt.text == res.trace.prompt


def test_repairs_stop_after_the_limit(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    model = ScriptedModel([f" x FROM nowhere{i}" for i in range(5)])
    res = ask("?", session, model, AskOptions(max_repairs=2))
    assert not res.ok and len(res.trace.attempts) == 3 and "does not exist" in res.error


def test_a_repair_that_repeats_an_earlier_answer_ends_the_repairs(chinook_url, workspace):
    # greedy decoding: the same failed SQL makes the same repair prompt, hence the same answer again
    session = open_session(workspace, chinook_url)
    model = ScriptedModel([" x FROM nowhere", " x FROM nowhere", " COUNT(*) FROM Artist"])
    res = ask("?", session, model, AskOptions(max_repairs=2))
    assert not res.ok and len(model.prompts) == 2 and "does not exist" in res.error
    assert "The repair repeated an earlier answer; stopped repairing." in res.trace.notes


def test_a_write_is_refused_not_repaired(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    model = ScriptedModel(["```sql\nDELETE FROM Artist\n```", " 1"])
    res = ask("delete everything", session, model)
    assert res.error.startswith("Refused") and len(res.trace.attempts) == 1
    assert session.db.run("SELECT count(*) FROM Artist").rows == [[275]]


def test_execution_error_is_repaired(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    model = ScriptedModel([" Name FROM Artist WHERE Name = 1 GROUP BY", " count(*) FROM Artist"])
    res = ask("How many artists?", session, model)
    assert res.ok and res.rows == [[275]]


def test_zero_shot_puts_the_whole_schema_in(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    model = ScriptedModel([" count(*) FROM Album"])
    res = ask("How many albums?", session, model, AskOptions(mode="zero-shot"))
    assert len(res.trace.tables) == 11 and res.rows == [[347]]


def test_real_model_end_to_end_on_chinook(chinook_url, workspace, smol_model):
    session = open_session(workspace, chinook_url)
    res = ask("How many albums are there?", session, smol_model)
    # the bundled 135M model is weak; what must hold is the pipeline: real SQL, checked, executed
    assert res.trace.prompt.startswith("<|im_start|>system")
    assert res.trace.attempts and res.trace.attempts[0].raw_output
    assert res.trace.timings["generate"] > 0


def test_cli_ask_json_returns_rows(chinook_url, tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "engine.cli", "ask", "How many albums are there?", "--db", chinook_url,
         "--workspace", str(tmp_path / "ws"), "--json"],
        capture_output=True, text=True, timeout=600,
    )
    data = json.loads(out.stdout)
    assert {"sql", "columns", "rows", "error", "trace"} <= set(data)
    assert data["trace"]["attempts"] and data["sql"].upper().startswith("SELECT")
    assert data["error"] is None, data["error"]
    assert data["rows"]


def test_cli_models_lists_bundled(tmp_path):
    out = subprocess.run([sys.executable, "-m", "engine.cli", "models", "--workspace", str(tmp_path)], capture_output=True, text=True)
    assert "smollm2-135m" in out.stdout and "gemma3-270m" in out.stdout


def test_cli_corrupt_model_gives_a_clear_error(chinook_url, tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model")
    out = subprocess.run(
        [sys.executable, "-m", "engine.cli", "ask", "q", "--db", chinook_url, "--model", str(bad), "--workspace", str(tmp_path / "ws")],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 2 and "not a GGUF model file" in out.stderr and "Traceback" not in out.stderr


class CancelledWhileCheckingModel(ScriptedModel):
    """Honours begin/cancel as the real backends do; the user presses Cancel right after the
    first answer is generated, while it is being checked."""

    def __init__(self, outputs):
        super().__init__(outputs)
        self.cancelled = False

    def begin(self):
        self.cancelled = False

    def cancel(self):
        self.cancelled = True

    def complete(self, prompt, settings, on_token=None):
        from engine.llm.base import GenerationCancelled

        if self.cancelled:
            raise GenerationCancelled("Generation was cancelled.")
        out = super().complete(prompt, settings, on_token)
        self.cancel()
        return out


def test_a_cancel_pressed_while_checking_stops_the_repair(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    model = CancelledWhileCheckingModel([" Nme FROM Artist", " Name FROM Artist"])
    res = ask("List the artist names", session, model, AskOptions(column_linking=False, failure_samples=4))
    assert not res.ok and "cancelled" in (res.error or "").lower()
    assert len(model.prompts) == 1  # no repair, no fallback, no samples were generated


def test_a_cancel_meant_for_the_previous_question_is_forgotten(chinook_url, workspace):
    session = open_session(workspace, chinook_url)
    model = CancelledWhileCheckingModel([" Name FROM Artist"])
    model.cancel()  # pressed after the previous answer had ended
    res = ask("List the artist names", session, model)
    assert res.ok and res.rows


def test_the_whole_schema_prompt_still_carries_the_users_notes(chinook_url, workspace, tmp_path):
    """Small schemas skip retrieval; the business terms a user imported must not be skipped with it."""
    from engine.importer import run_import
    from engine.workspace import Workspace

    notes = tmp_path / "terms.md"
    notes.write_text("# Terms\n\nA long track is a track of more than 5 minutes (Milliseconds > 300000).\n")
    run_import(workspace, db=chinook_url, docs=[notes])
    session = open_session(workspace, chinook_url)
    model = ScriptedModel([" COUNT(*) FROM Track WHERE Milliseconds > 300000"])
    res = ask("How many long tracks are there?", session, model, AskOptions(mode="zero-shot"))
    assert "Notes:" in model.prompts[0] and "Milliseconds > 300000" in model.prompts[0]
    assert len(res.trace.tables) == 11 and res.rows == [[1069]]
    bare = ScriptedModel([" COUNT(*) FROM Album"])  # a database without notes: no index search, no Notes
    ask("How many albums?", open_session(Workspace(tmp_path / "ws2"), chinook_url), bare, AskOptions(mode="zero-shot"))
    assert "Notes:" not in bare.prompts[0]
