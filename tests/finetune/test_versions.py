"""Importing a LoRA adapter made elsewhere as a new version, and refusing files that are not one."""

import subprocess
import sys
from pathlib import Path

import pytest

from engine.llm.base import GenerationSettings
from engine.llm.gguf_check import ModelFileProblem
from engine.llm.loader import load_model
from engine.llm.registry import ModelRegistry
from finetune.versions import import_adapter, list_versions

ADAPTER = Path(__file__).resolve().parents[2] / "assets" / "adapters" / "smollm2-135m-spider-sql.gguf"


def test_import_the_shipped_adapter_and_generate_with_it(workspace):
    spec = import_adapter(workspace, ADAPTER)
    assert spec.base == "smollm2-135m" and spec.name == "smollm2-135m-ft-v1"
    assert list_versions(workspace)[-1]["dataset"]["imported_from"].endswith("smollm2-135m-spider-sql.gguf")
    model = load_model(ModelRegistry(workspace.models_dir), spec.name)
    out = model.complete("<|im_start|>user\nSchema: Artist(ArtistId, Name)\nQuestion: How many artists?<|im_end|>\n<|im_start|>assistant\nSELECT",
                         GenerationSettings(max_tokens=16))
    assert out.strip()


def test_a_whole_model_or_garbage_is_refused(workspace, smol_path, tmp_path):
    with pytest.raises(ModelFileProblem, match="whole model, not a LoRA adapter"):
        import_adapter(workspace, smol_path)
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a gguf at all")
    with pytest.raises(ModelFileProblem, match="not a GGUF"):
        import_adapter(workspace, junk)
    out = subprocess.run([sys.executable, "-m", "engine.cli", "finetune", "import", str(junk), "--workspace", str(workspace.root)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "not a GGUF" in out.stderr
    assert list_versions(workspace) == []
