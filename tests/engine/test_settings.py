import subprocess
import sys

import pytest

from engine.settings import AskSettings, load_settings, parse_assignment, save_settings


def test_settings_round_trip_and_keep_other_keys(workspace):
    workspace.save_settings({"last_db": "sqlite:///x.db"})
    s = AskSettings(threads=1, row_cap=5, constrained_decoding=True)
    save_settings(workspace, s)
    assert load_settings(workspace) == s
    assert workspace.settings()["last_db"] == "sqlite:///x.db"
    opts = s.options(mode="rag")
    assert opts.row_cap == 5 and opts.grammar is not None and opts.mode == "rag"


def test_bad_values_are_refused_with_the_allowed_range(workspace):
    with pytest.raises(ValueError, match="row_cap must be between 1 and"):
        parse_assignment(AskSettings(), "row_cap=0")
    with pytest.raises(ValueError, match="unknown setting 'colour'"):
        parse_assignment(AskSettings(), "colour=blue")
    with pytest.raises(ValueError, match="on/off"):
        parse_assignment(AskSettings(), "constrained_decoding=maybe")
    assert parse_assignment(AskSettings(), "constrained-decoding=on").constrained_decoding
    # a hand-broken file falls back to defaults instead of stopping the app
    workspace.save_settings({"ask": {"row_cap": -3}})
    assert load_settings(workspace) == AskSettings()


def test_cli_settings_and_ask_uses_them(workspace, chinook_url):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "engine.cli", *args, "--workspace", str(workspace.root)],
                              capture_output=True, text=True, timeout=300)

    out = cli("settings", "set", "row_cap=3", "repair_attempts=0")
    assert out.returncode == 0 and "row_cap                3" in out.stdout
    assert cli("settings", "set", "row_cap=zero").returncode == 2
    out = cli("ask", "List every track name", "--db", chinook_url, "--json")
    import json

    result = json.loads(out.stdout)
    if result["error"] is None:  # the row cap from the settings applied to a real answer
        assert len(result["rows"]) <= 3
    attempts = result["trace"]["attempts"]  # repair_attempts=0: no repair round in either prompt
    assert len(attempts) == 1 or (result["trace"]["mode"] == "zero-shot, then rag" and len(attempts) == 2)


def test_retrieval_fallback_belongs_to_auto_mode():
    assert AskSettings().options().rag_fallback  # the product default: auto mode, fallback on
    assert AskSettings().options().skeleton_samples == 8 and AskSettings(skeleton_samples=0).options().skeleton_samples == 0
    assert AskSettings().options().resample_empty and not AskSettings(resample_empty=False).options().resample_empty
    assert not AskSettings().options(mode="zero-shot").rag_fallback  # an explicit mode is exactly that prompt
    assert not AskSettings(rag_fallback=False).options().rag_fallback


def test_eval_levers_share_the_on_off_parser():
    from engine.eval.datasets import DatasetError
    from engine.eval.harness import parse_levers

    assert parse_levers(["grammar=on", "value-linking=off", "candidates=3"]) == {"grammar": True, "value_linking": False, "candidates": 3}
    with pytest.raises(DatasetError, match="grammar is on/off"):
        parse_levers(["grammar=maybe"])
    assert parse_levers(["mode=auto"]) == {"mode": "auto"}
    assert parse_levers(["fallback_model=", "fallback_model=off"]) == {"fallback_model": ""}  # both: none
    with pytest.raises(DatasetError, match="mode is auto, zero-shot or rag"):
        parse_levers(["mode=whole"])
