"""llama.cpp GGUF LoRA adapter -> PEFT LoRA weights: the inverse of finetune.export.

So a fine-tune can start from an adapter the user already has (the bundled Spider adapter,
or an earlier version) instead of from the bare base model, and keep what it learnt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from finetune.export import _NAMES, ExportProblem, gguf_field

_GGUF_KEY = re.compile(r"blk\.(\d+)\.(\w+)\.weight\.lora_([ab])$")
_MODULE = {v: k for k, v in _NAMES.items()}  # attn_q -> self_attn.q_proj


class AdapterImportProblem(ExportProblem):
    pass


@dataclass
class GgufLora:
    alpha: float
    rank: int
    targets: tuple[str, ...]  # PEFT module names: q_proj, k_proj, ...
    tensors: dict[str, np.ndarray]  # "layers.N.self_attn.q_proj.lora_A" -> weight (PEFT layout)


def unpermute_rows(w: np.ndarray, n_head: int) -> np.ndarray:
    """Undo finetune.export.permute_rows (halves per head -> interleaved)."""
    return w.reshape(n_head, w.shape[0] // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def _open_gguf(path: Path):
    from gguf import GGUFReader

    try:
        return GGUFReader(str(path))
    except Exception as exc:  # gguf raises ValueError / struct errors on a torn or foreign file
        raise AdapterImportProblem(f"{path} is not a readable GGUF file ({exc}); pick the adapter .gguf again.") from exc


def read_lora_gguf(path: Path, arch: str, n_head: int, n_head_kv: int) -> GgufLora:
    """Read a GGUF LoRA adapter; raises AdapterImportProblem with what is wrong with the file."""
    reader = _open_gguf(path)
    kind = gguf_field(reader, "general.type")
    if kind != "adapter" or gguf_field(reader, "adapter.type") != "lora":
        raise AdapterImportProblem(f"{path} is a GGUF file but not a LoRA adapter (general.type={kind!r}).")
    alpha = gguf_field(reader, "adapter.lora.alpha")
    if alpha is None:
        raise AdapterImportProblem(f"{path} has no adapter.lora.alpha; it was not written by llama.cpp tools or sqlsage.")
    tensors: dict[str, np.ndarray] = {}
    targets: set[str] = set()
    rank = 0
    for t in reader.tensors:
        m = _GGUF_KEY.match(t.name)
        if not m or m.group(2) not in _MODULE:
            raise AdapterImportProblem(f"{path}: tensor {t.name} is not a LoRA tensor sqlsage can map to a PEFT module.")
        layer, name, ab = m.groups()
        module = _MODULE[name]
        w = np.array(t.data, dtype=np.float32).reshape([int(x) for x in reversed(t.shape)])
        if ab == "b" and arch == "llama" and module in ("self_attn.q_proj", "self_attn.k_proj"):
            w = unpermute_rows(w, n_head if module == "self_attn.q_proj" else n_head_kv)
        if ab == "a":
            rank = w.shape[0]
        tensors[f"layers.{layer}.{module}.lora_{ab.upper()}"] = w
        targets.add(module.split(".")[-1])
    if not tensors:
        raise AdapterImportProblem(f"{path} holds no LoRA tensors.")
    return GgufLora(float(alpha), rank, tuple(sorted(targets)), tensors)


def adapter_shape(path: Path) -> tuple[int, float]:
    """(rank, alpha) of a GGUF LoRA adapter from its header alone: what a continued fine-tune will use."""
    reader = _open_gguf(path)
    alpha = gguf_field(reader, "adapter.lora.alpha")
    a = next((t for t in reader.tensors if t.name.endswith(".lora_a")), None)
    if alpha is None or a is None:
        raise AdapterImportProblem(f"{path} is not a LoRA adapter sqlsage can continue from.")
    return int(a.shape[-1]), float(alpha)  # GGUF lists dims innermost first: (in_features, rank)


def load_into_peft(model, lora: GgufLora) -> int:
    """Copy the adapter's weights into a PEFT model built with the same rank and targets."""
    import torch

    params = dict(model.named_parameters())
    copied = 0
    for key, w in lora.tensors.items():
        # PEFT names: base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight
        hits = [n for n in params if n.endswith(f".{key}.default.weight")]
        if len(hits) != 1:
            raise AdapterImportProblem(f"The model has no single LoRA parameter for {key} (found {len(hits)}); wrong base model?")
        p = params[hits[0]]
        if tuple(p.shape) != w.shape:
            raise AdapterImportProblem(f"{key}: adapter shape {w.shape} does not fit the model's {tuple(p.shape)}; wrong base model?")
        with torch.no_grad():
            p.copy_(torch.from_numpy(w))
        copied += 1
    return copied
