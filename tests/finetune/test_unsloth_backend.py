"""The Unsloth backend for real, on the CPU fallback: same recipe, same losses as PEFT, exports."""

import importlib.util
import json
import os

import pytest

pytest.importorskip("peft", reason="the finetune extra is not installed (pip install -e .[finetune])")
if importlib.util.find_spec("unsloth") is None:
    if os.environ.get("SQLSAGE_REQUIRE_UNSLOTH") == "1":  # CI installs it: a missing install must fail there
        raise RuntimeError("SQLSAGE_REQUIRE_UNSLOTH=1 but unsloth is not importable: run scripts/install_unsloth_cpu.sh")
    pytest.skip("Unsloth is not installed (bash scripts/install_unsloth_cpu.sh)", allow_module_level=True)

from engine.llm.base import GenerationSettings  # noqa: E402
from engine.llm.loader import load_model  # noqa: E402
from engine.llm.registry import ModelRegistry  # noqa: E402
from finetune.data import load_examples  # noqa: E402
from finetune.train import TrainConfig  # noqa: E402
from finetune.workflow import export_and_register, run_training  # noqa: E402
from tests.finetune.conftest import fresh_copy  # noqa: E402


@pytest.mark.slow
def test_unsloth_cpu_steps_match_peft_and_export(tiny_run, tmp_path):
    ws, run = tiny_run
    cfg = dict(max_steps=2, grad_accum=1, checkpoint_every=2, learning_rate=1e-3, eval_every=0)
    peft_res = run_training(fresh_copy(run, tmp_path / "peft"), ws, TrainConfig(backend="peft", **cfg))
    uns_run = fresh_copy(run, tmp_path / "unsloth")
    uns_res = run_training(uns_run, ws, TrainConfig(backend="unsloth", **cfg))
    assert uns_res.backend == "unsloth" and peft_res.backend == "peft"
    assert "no GPU found, training on CPU" in (uns_run / "train.log").read_text()
    # one recipe: the same data order, LoRA shape and optimizer give the same losses in fp32
    for a, b in zip(peft_res.history, uns_res.history, strict=True):
        assert a["loss"] == pytest.approx(b["loss"], rel=2e-3), (peft_res.history, uns_res.history)
    assert json.loads((uns_run / "checkpoint" / "state.json").read_text())["step"] == 2
    spec = export_and_register(uns_run, ws, "smollm2-135m", metrics={"backend": "unsloth"})
    reg = ModelRegistry(ws.models_dir)
    prompt = load_examples(uns_run / "eval.jsonl")[0].prompt
    out = load_model(reg, spec.name).complete(prompt, GenerationSettings(max_tokens=16, repeat_penalty=1.0))
    assert out.strip(), "the exported Unsloth adapter loaded but generated nothing"
