"""Continuing a fine-tune from a GGUF adapter: exact inverse of the export, and real training from it."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("peft", reason="the finetune extra is not installed (pip install -e .[finetune])")

from finetune.export import export_lora_gguf, model_heads, permute_rows  # noqa: E402
from finetune.import_adapter import AdapterImportProblem, load_into_peft, read_lora_gguf, unpermute_rows  # noqa: E402
from finetune.train import TARGET_SETS, TrainConfig, _attach_lora, load_base  # noqa: E402
from finetune.workflow import run_training, start_adapter  # noqa: E402
from tests.finetune.conftest import base_gguf, fresh_copy  # noqa: E402

SHIPPED = Path(__file__).resolve().parents[2] / "assets/adapters/smollm2-135m-spider-sql.gguf"


def tensors(path):
    from gguf import GGUFReader

    return {t.name: np.array(t.data) for t in GGUFReader(str(path)).tensors}


def test_unpermute_inverts_permute():
    w = np.arange(192 * 16, dtype=np.float32).reshape(192, 16)
    assert not np.array_equal(permute_rows(w, 3), w)
    assert np.array_equal(unpermute_rows(permute_rows(w, 3), 3), w)


def test_shipped_adapter_round_trips_exactly_through_peft(tiny_run, tmp_path):
    """GGUF -> PEFT -> GGUF gives back every tensor bit for bit, so the q/k rows are un-permuted right."""
    ws, _ = tiny_run
    gguf = base_gguf(ws)
    lora = read_lora_gguf(SHIPPED, *model_heads(gguf))
    assert (lora.rank, lora.alpha, lora.targets) == (16, 32.0, ("k_proj", "o_proj", "q_proj", "v_proj"))
    base = load_base(gguf)
    model = _attach_lora(base, TrainConfig(rank=lora.rank, alpha=int(lora.alpha), targets=lora.targets), "peft")
    assert load_into_peft(model, lora) == 240
    model.save_pretrained(str(tmp_path / "peft"))
    out = export_lora_gguf(tmp_path / "peft", tmp_path / "again.gguf", *model_heads(gguf))
    before, after = tensors(SHIPPED), tensors(out)
    assert before.keys() == after.keys()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_training_continues_from_the_adapter_not_from_scratch(tiny_run, tmp_path):
    """The same first step on the same data: starting from the Spider adapter, the loss is far lower."""
    ws, run = tiny_run
    losses = {}
    for name, init in (("fresh", None), ("continued", str(SHIPPED))):
        cfg = TrainConfig(max_steps=1, grad_accum=2, eval_every=0, rank=4, alpha=8, init_adapter=init)
        res = run_training(fresh_copy(run, tmp_path / name), ws, cfg)
        losses[name] = res.history[0]["loss"]
    assert losses["continued"] < 0.6 * losses["fresh"], losses
    import json

    saved = json.loads((tmp_path / "continued" / "config.json").read_text())
    assert saved["rank"] == 16 and saved["alpha"] == 32  # the adapter's shape, not the preset's rank 4


def test_continuing_can_widen_the_adapter_to_the_mlp(tiny_run, tmp_path):
    """Widened to all linear layers, the new MLP LoRA starts at zero effect: the first step's loss is
    the attention-only continuation's, and the export carries the new ffn tensors beside the old ones."""
    ws, run = tiny_run
    losses, configs = {}, {}
    for name, targets in (("attention", TARGET_SETS["attention"]), ("wide", TARGET_SETS["all-linear"])):
        cfg = TrainConfig(max_steps=1, grad_accum=2, eval_every=0, targets=targets, init_adapter=str(SHIPPED))
        res = run_training(fresh_copy(run, tmp_path / name), ws, cfg)
        losses[name], configs[name] = res.history[0]["loss"], cfg
    assert losses["wide"] == pytest.approx(losses["attention"], abs=1e-4), losses
    assert set(configs["wide"].targets) == set(TARGET_SETS["all-linear"]) and configs["wide"].rank == 16
    out = export_lora_gguf(tmp_path / "wide" / "checkpoint", tmp_path / "wide.gguf", *model_heads(base_gguf(ws)))
    names = tensors(out).keys()
    assert {"blk.0.ffn_gate.weight.lora_a", "blk.0.ffn_down.weight.lora_b", "blk.0.attn_q.weight.lora_b"} <= names
    assert len(names) == 2 * 7 * 30  # a and b for 7 modules in each of SmolLM2-135M's 30 layers


def test_bad_adapter_files_are_refused_with_a_reason(tiny_run, tmp_path):
    ws, _ = tiny_run
    heads = model_heads(base_gguf(ws))
    torn = tmp_path / "torn.gguf"
    torn.write_bytes(SHIPPED.read_bytes()[:5000])
    with pytest.raises(AdapterImportProblem, match="not a readable GGUF"):
        read_lora_gguf(torn, *heads)
    with pytest.raises(AdapterImportProblem, match="not a LoRA adapter"):
        read_lora_gguf(base_gguf(ws), *heads)
    with pytest.raises(ValueError, match="no LoRA adapter"):
        start_adapter(ws, "smollm2-135m", "smollm2-135m")
    with pytest.raises(ValueError, match="belongs to smollm2-135m"):
        start_adapter(ws, "smollm2-135m-sql", "gemma3-270m")
    assert start_adapter(ws, "smollm2-135m-sql", "smollm2-135m") == str(SHIPPED)


def test_cli_start_from_a_model_without_adapter_says_so(tiny_run, tmp_path):
    ws, run = tiny_run
    cmd = [sys.executable, "-m", "engine.cli", "finetune", "train", "--run", str(fresh_copy(run, tmp_path / "r")),
           "--start-from", "smollm2-135m", "--workspace", str(ws.root)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "has no LoRA adapter" in out.stderr
