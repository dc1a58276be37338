"""The Unsloth backend: same LoRA recipe as PEFT, through Unsloth's patched model.

Unsloth cannot read GGUF, so the bundled GGUF is dequantized once by transformers and saved
as a plain HF directory (without the quantization config, which save_pretrained refuses),
cached beside the user's other model files. Unsloth is imported only here, lazily: it
patches transformers on import and is an optional extra (`gpu`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import platformdirs


def hf_dir_for(gguf_path: Path) -> Path:
    """A transformers-format copy of the GGUF model, built once (build-then-rename)."""
    gguf_path = Path(gguf_path)
    stat = gguf_path.stat()
    root = Path(platformdirs.user_cache_dir("sqlsage")) / "hf-models"
    final = root / f"{gguf_path.stem}-{stat.st_size}"
    if (final / "config.json").exists():
        return final
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tmp = root / f"{final.name}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tok = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name, torch_dtype=torch.float32)
    # the weights are already dequantized to fp32; the GGUF quantizer only blocks saving
    model.hf_quantizer = None
    if getattr(model.config, "quantization_config", None) is not None:
        del model.config.quantization_config
    model.save_pretrained(str(tmp))
    tok.save_pretrained(str(tmp))
    os.replace(tmp, final)
    return final


def preload() -> None:
    os.environ.setdefault("UNSLOTH_SKIP_TORCHVISION_CHECK", "1")  # torchvision is not installed: text only
    import unsloth  # noqa: F401 - patches transformers/peft on import


def load_unsloth(gguf_path: Path, max_length: int = 2048):
    preload()
    hf_dir = hf_dir_for(gguf_path)
    import torch
    from unsloth import FastLanguageModel

    model, tok = FastLanguageModel.from_pretrained(
        model_name=str(hf_dir), max_seq_length=max_length, dtype=torch.float32, load_in_4bit=False, local_files_only=True
    )
    return model, tok


def attach_lora(base, config):
    from unsloth import FastLanguageModel

    return FastLanguageModel.get_peft_model(
        base,
        r=config.rank,
        lora_alpha=config.alpha,
        lora_dropout=config.dropout,
        target_modules=list(config.targets),
        bias="none",
        use_gradient_checkpointing=False,
        random_state=config.seed,
    )
