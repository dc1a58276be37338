"""A tiny real LoRA run on the CPU: train, resume after kill -9, export to GGUF, load in llama.cpp."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("peft", reason="the finetune extra is not installed (pip install -e .[finetune])")

from engine.llm.base import GenerationSettings  # noqa: E402
from engine.llm.loader import load_model  # noqa: E402
from engine.llm.registry import ModelRegistry  # noqa: E402
from finetune.data import load_examples  # noqa: E402
from finetune.train import TrainConfig  # noqa: E402
from finetune.versions import list_versions  # noqa: E402
from finetune.workflow import export_and_register, run_training  # noqa: E402
from tests.finetune.conftest import base_gguf, fresh_copy  # noqa: E402


@pytest.fixture(scope="module")
def trained(tiny_run):
    ws, run = tiny_run
    cfg = TrainConfig(max_steps=4, grad_accum=1, checkpoint_every=2, learning_rate=1e-3, eval_every=2, eval_samples=3)
    seen = []
    res = run_training(run, ws, cfg, progress=seen.append)
    return ws, run, res, seen


def test_training_reports_progress_and_checkpoints(trained):
    ws, run, res, seen = trained
    assert res.steps == 4 and not res.stopped and res.backend == "peft"
    assert [p.step for p in seen] == [1, 2, 3, 4]
    assert all(p.loss > 0 and p.rss_mb > 0 and p.cpu_percent > 0 for p in seen)
    assert [p.step for p in seen if p.eval_loss is not None] == [2, 4]  # held-out loss every 2 steps
    history = json.loads((run / "checkpoint" / "state.json").read_text())["history"]
    assert len(history) == 4 and "eval_loss" in history[3] and history[3]["eval_loss"] > 0


def test_completion_loss_equals_the_masked_full_loss(tiny_run):
    """Training runs the LM head on the SQL positions only; the loss must be transformers' own."""
    import torch

    from finetune.tokens import LlamaTokens
    from finetune.train import _attach_lora, _encode_all, completion_loss, load_base

    ws, run = tiny_run
    gguf = base_gguf(ws)
    model = _attach_lora(load_base(gguf), TrainConfig(), "peft")
    for ids, labels in _encode_all(LlamaTokens(gguf), load_examples(run / "train.jsonl")[:3], 640):
        full = model(input_ids=torch.tensor([ids]), labels=torch.tensor([labels])).loss
        assert float(completion_loss(model, ids, labels)) == pytest.approx(float(full), rel=1e-5)


def test_training_events_as_json_lines_and_one_trainer_per_run(trained, tmp_path):
    ws, run, _, _ = trained
    run2 = fresh_copy(run, tmp_path / "run")
    cmd = [sys.executable, "-m", "engine.cli", "finetune", "train", "--run", str(run2), "--max-steps", "2",
           "--grad-accum", "1", "--eval-every", "1", "--jsonl", "--workspace", str(ws.root)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    events = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events] == ["progress", "progress", "done"]
    assert events[0]["step"] == 1 and events[0]["eval_loss"] > 0 and events[0]["eta_seconds"] >= 0
    assert events[-1]["steps"] == 2 and events[-1]["backend"] == "peft"
    # the worker's lock: while a process holds it, a second trainer on the same run is refused
    import fcntl

    from finetune.worker import _acquire

    with open(run2 / "train.lock", "w") as held, open(run2 / "train.lock", "w") as other:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert not _acquire(other, wait_seconds=0.2)


def test_export_loads_in_llama_cpp_and_follows_the_adapter(trained):
    ws, run, res, _ = trained
    spec = export_and_register(run, ws, "smollm2-135m", metrics={"steps": res.steps})
    assert spec.source == "finetune" and spec.adapter.endswith("adapter.gguf")
    assert list_versions(ws)[-1]["metrics"] == {"steps": 4}
    reg = ModelRegistry(ws.models_dir)
    base = load_model(reg, "smollm2-135m")
    prompt = load_examples(run / "eval.jsonl")[0].prompt
    settings = GenerationSettings(max_tokens=24, repeat_penalty=1.0)
    base_out = base.complete(prompt, settings)
    ft = load_model(reg, spec.name)
    ft_out = ft.complete(prompt, settings)
    assert ft.path == base.path  # same base file, adapter applied on top
    assert ft_out != base_out, "the adapter changed nothing: export or loading is broken"


def test_activate_and_rollback(trained):
    ws, run, res, _ = trained
    reg = ModelRegistry(ws.models_dir)
    name = export_and_register(run, ws, "smollm2-135m").name
    before = reg.active()
    reg.set_active(name)
    assert reg.active() == name
    assert reg.rollback() == before


def test_cli_compare_reports_held_out_and_regression_sets(trained):
    from tests.conftest import CHINOOK

    ws, run, _, _ = trained
    name = export_and_register(run, ws, "smollm2-135m").name
    url = f"sqlite:///{CHINOOK}"
    ws.append_jsonl(url, "examples.jsonl", {"question": "How many albums are there?", "sql": "SELECT count(*) FROM Album"})
    out = subprocess.run(
        [sys.executable, "-m", "engine.cli", "finetune", "compare", "--run", str(run), "--db", url,
         "--finetuned", name, "--workspace", str(ws.root)],
        capture_output=True, text=True, timeout=900,
    )
    assert out.returncode == 0, out.stderr
    assert "held-out: EX" in out.stdout and "regression set (saved pairs):" in out.stdout and "/1 -> " in out.stdout


def test_kill_during_training_resumes_from_last_checkpoint(tiny_run, tmp_path):
    ws, run = tiny_run
    run2 = fresh_copy(run, tmp_path / "run")
    cmd = [sys.executable, "-m", "engine.cli", "finetune", "train", "--run", str(run2), "--max-steps", "8",
           "--checkpoint-every", "2", "--grad-accum", "1", "--workspace", str(ws.root)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    state = run2 / "checkpoint" / "state.json"
    deadline = time.time() + 240
    while time.time() < deadline and not state.exists():
        time.sleep(0.5)
    assert state.exists(), proc.stderr.read().decode()[-2000:] if proc.poll() is not None else "no checkpoint in time"
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its training worker: a power cut
    proc.wait()
    step_at_kill = json.loads(state.read_text())["step"]
    assert 2 <= step_at_kill < 8
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "finished: 8 steps" in out.stdout
    history = json.loads(state.read_text())["history"]
    assert [h["step"] for h in history] == list(range(1, 9))


def test_app_killed_mid_run_the_worker_checkpoints_and_exits(tiny_run, tmp_path):
    """The app (parent) dies with kill -9: its training worker saves a checkpoint and stops."""
    ws, run = tiny_run
    run2 = fresh_copy(run, tmp_path / "run")
    parent = (
        "import sys\n"
        "from pathlib import Path\n"
        "from engine.workspace import Workspace\n"
        "from finetune.train import TrainConfig\n"
        "from finetune.workflow import run_training\n"
        "cfg = TrainConfig(max_steps=500, grad_accum=1, checkpoint_every=1000, eval_every=0)\n"
        "run_training(Path(sys.argv[1]), Workspace(sys.argv[2]), cfg, progress=lambda p: print('step', p.step, flush=True))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", parent, str(run2), str(ws.root)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("step"), "the worker never reported a step"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    state = run2 / "checkpoint" / "state.json"
    deadline = time.time() + 120
    while time.time() < deadline and not state.exists():
        time.sleep(0.5)
    assert state.exists(), (run2 / "train.log").read_text()[-2000:]
    assert 1 <= json.loads(state.read_text())["step"] < 500
    from finetune.worker import _acquire

    with open(run2 / "train.lock", "w") as lock:  # the worker exited: its lock is free again
        assert _acquire(lock, wait_seconds=60), "the orphaned worker kept training"
