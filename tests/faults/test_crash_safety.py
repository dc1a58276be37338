"""kill -9 at the worst moments: the last good state survives and partial files are cleaned."""

import json
import subprocess
import sys
import textwrap

import pytest

from engine.llm.registry import ModelRegistry

KILL_SELF = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"


def run_killed(code: str) -> int:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True).returncode


def test_kill_during_registry_switch_keeps_the_active_model(tmp_path):
    reg = ModelRegistry(tmp_path / "models")
    reg.set_active("gemma3-270m")
    rc = run_killed(f"""
        import os, signal
        from engine.llm.registry import ModelRegistry
        real = os.replace
        def die(*a, **k):
            {KILL_SELF}
        os.replace = die
        ModelRegistry({str(tmp_path / "models")!r}).set_active("smollm2-135m")
    """)
    assert rc == -9
    reg = ModelRegistry(tmp_path / "models")
    assert reg.active() == "gemma3-270m"  # the switch never half-happened
    assert reg.clean_partial()  # the temp file it left is removed on restart
    json.loads((tmp_path / "models" / "registry.json").read_text())


def test_kill_during_adapter_export_leaves_no_adapter(tmp_path):
    pytest.importorskip("safetensors")
    import numpy as np
    from safetensors.numpy import save_file

    ckpt = tmp_path / "run" / "checkpoint"
    ckpt.mkdir(parents=True)
    (ckpt / "adapter_config.json").write_text(json.dumps({"lora_alpha": 16}))
    save_file({
        "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight": np.ones((4, 8), np.float32),
        "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight": np.ones((8, 4), np.float32),
    }, str(ckpt / "adapter_model.safetensors"))
    out = tmp_path / "run" / "adapter.gguf"
    rc = run_killed(f"""
        import gguf
        def die(self, *a, **k):
            {KILL_SELF}
        gguf.GGUFWriter.write_tensors_to_file = die
        from pathlib import Path
        from finetune.export import export_lora_gguf
        export_lora_gguf(Path({str(ckpt)!r}), Path({str(out)!r}), "llama", 2, 2)
    """)
    assert rc == -9
    assert not out.exists()
    assert (tmp_path / "run" / "adapter.gguf.partial").exists()
    # a clean run afterwards produces a readable adapter
    from finetune.export import export_lora_gguf

    export_lora_gguf(ckpt, out, "llama", 2, 2)
    from gguf import GGUFReader

    r = GGUFReader(str(out))
    assert {t.name for t in r.tensors} == {"blk.0.attn_q.weight.lora_a", "blk.0.attn_q.weight.lora_b"}


def test_kill_between_checkpoint_renames_recovers(tmp_path):
    from finetune.train import recover

    run = tmp_path / "run"
    (run / "checkpoint.old").mkdir(parents=True)
    (run / "checkpoint.old" / "state.json").write_text('{"step": 7}')
    (run / "checkpoint.partial").mkdir()
    recover(run)
    assert json.loads((run / "checkpoint" / "state.json").read_text())["step"] == 7
    assert not (run / "checkpoint.partial").exists()
