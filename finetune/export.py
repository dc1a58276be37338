"""PEFT LoRA adapter -> llama.cpp GGUF adapter (loaded with `lora_path`).

For llama-family models, llama.cpp stores q/k weights with rows permuted for its RoPE
layout (convert_hf_to_gguf's LlamaModel.permute); transformers undid that when it read
the GGUF, so lora_b of q_proj/k_proj must be permuted back or the output diverges.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

_NAMES = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_KEY = re.compile(r"layers\.(\d+)\.(\w+\.\w+)\.lora_([AB])\.weight$")


class ExportProblem(RuntimeError):
    pass


def permute_rows(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's q/k row permutation (interleaved -> halves per head)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def export_lora_gguf(adapter_dir: Path, out_path: Path, arch: str, n_head: int, n_head_kv: int) -> Path:
    """Write the adapter atomically: a killed export leaves no half file under the final name."""
    from gguf import GGUFWriter
    from safetensors.numpy import load_file

    adapter_dir = Path(adapter_dir)
    cfg = json.loads((adapter_dir / "adapter_config.json").read_text())
    tensors = load_file(str(adapter_dir / "adapter_model.safetensors"))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".partial")
    writer = GGUFWriter(str(tmp), arch)
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(cfg["lora_alpha"]))
    count = 0
    for key in sorted(tensors):
        m = _KEY.search(key)
        if not m:
            continue
        layer, module, ab = m.groups()
        name = _NAMES.get(module)
        if name is None:
            raise ExportProblem(f"Cannot map adapter tensor {key} to a llama.cpp tensor name.")
        w = tensors[key].astype(np.float32)
        if ab == "B" and arch == "llama" and module in ("self_attn.q_proj", "self_attn.k_proj"):
            w = permute_rows(w, n_head if module == "self_attn.q_proj" else n_head_kv)
        writer.add_tensor(f"blk.{layer}.{name}.weight.lora_{ab.lower()}", np.ascontiguousarray(w))
        count += 1
    if not count:
        raise ExportProblem(f"No LoRA tensors found in {adapter_dir}.")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, out_path)
    return out_path


def model_heads(gguf_path: Path) -> tuple[str, int, int]:
    """(architecture, n_head, n_head_kv) from the base model's GGUF metadata."""
    from gguf import GGUFReader

    reader = GGUFReader(str(gguf_path))
    arch = gguf_field(reader, "general.architecture")
    n_head = gguf_field(reader, f"{arch}.attention.head_count")
    n_kv = gguf_field(reader, f"{arch}.attention.head_count_kv") or n_head
    return arch, int(n_head), int(n_kv)


def gguf_field(reader, name: str):
    """A GGUF metadata value: a string, or the (first) number; None when the key is absent."""
    f = reader.fields.get(name)
    if f is None:
        return None
    v = f.parts[f.data[0]]
    return bytes(v).decode() if v.dtype == np.uint8 else v[0].item()
