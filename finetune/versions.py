"""Fine-tuned versions: each an adapter .gguf plus its metrics, registered in the engine's
model registry. Every earlier version is kept for rollback."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from engine.catalog.model import write_atomic
from engine.llm.registry import ModelRegistry, ModelSpec
from engine.workspace import Workspace


def finetunes_dir(ws: Workspace) -> Path:
    return ws.models_dir / "finetunes"


def next_name(ws: Workspace, base: str) -> str:
    existing = {s.name for s in ModelRegistry(ws.models_dir).list()}
    n = 1
    while f"{base}-ft-v{n}" in existing or (finetunes_dir(ws) / f"{base}-ft-v{n}").exists():
        n += 1
    return f"{base}-ft-v{n}"


def register_version(ws: Workspace, adapter_gguf: Path, base: str, metrics: dict, dataset: dict, name: str | None = None) -> ModelSpec:
    registry = ModelRegistry(ws.models_dir)
    base_spec = registry.get(base)
    name = name or next_name(ws, base)
    vdir = finetunes_dir(ws) / name
    vdir.mkdir(parents=True, exist_ok=True)
    target = vdir / "adapter.gguf"
    tmp = vdir / "adapter.gguf.partial"
    shutil.copyfile(adapter_gguf, tmp)
    os.replace(tmp, target)
    meta = {
        "name": name,
        "base": base,
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "size_bytes": target.stat().st_size,
        "metrics": metrics,
        "dataset": dataset,
    }
    write_atomic(vdir / "meta.json", json.dumps(meta, indent=1))
    spec = ModelSpec(name=name, path=str(target), prompt_style=base_spec.prompt_style, source="finetune", base=base, adapter=str(target), description=f"LoRA on {base}")
    registry.add(spec)
    return spec


def list_versions(ws: Workspace) -> list[dict]:
    out = []
    for meta in sorted(finetunes_dir(ws).glob("*/meta.json")):
        try:
            out.append(json.loads(meta.read_text()))
        except json.JSONDecodeError:
            continue
    return out


def delete_version(ws: Workspace, name: str) -> None:
    registry = ModelRegistry(ws.models_dir)
    if registry.active() == name:
        raise ValueError(f"{name} is the active model; activate another one before deleting it.")
    registry.remove(name)
    shutil.rmtree(finetunes_dir(ws) / name, ignore_errors=True)


def clean_partials(ws: Workspace) -> list[str]:
    removed = []
    for p in finetunes_dir(ws).glob("*/*.partial") if finetunes_dir(ws).exists() else []:
        p.unlink(missing_ok=True)
        removed.append(str(p))
    return removed


# which bundled base a LoRA adapter of an architecture applies to, when the user does not say
BASE_FOR_ARCH = {"llama": "smollm2-135m", "gemma3": "gemma3-270m"}


def import_adapter(ws: Workspace, path: Path, base: str | None = None) -> ModelSpec:
    """Register a LoRA adapter .gguf (made here or elsewhere) as a new version on its base model."""
    from engine.llm.gguf_check import ModelFileProblem, check_gguf

    meta = check_gguf(Path(path))
    if meta.get("general.type") != "adapter":
        raise ModelFileProblem(f"{Path(path).name} is a whole model, not a LoRA adapter: add it with `sqlsage models add`.")
    arch = meta.get("general.architecture", "")
    base = base or BASE_FOR_ARCH.get(arch)
    if base is None:
        raise ModelFileProblem(f"{Path(path).name} is a LoRA adapter for a {arch or 'unknown'} model: say which base with --base.")
    return register_version(ws, Path(path), base, metrics={}, dataset={"imported_from": str(Path(path).resolve())})
