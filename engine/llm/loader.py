"""Load a model by name once per process; the GUI swaps models without a restart."""

from __future__ import annotations

import threading

from engine.llm.registry import ModelRegistry, ModelSpec, adapter_path

_cache: dict[tuple, object] = {}
_lock = threading.Lock()


def load_model(
    registry: ModelRegistry,
    name: str | None = None,
    server_url: str | None = None,
    n_threads: int | None = None,
    n_ctx: int = 4096,
):
    """A SqlModel: in-process llama.cpp, or an OpenAI-compatible server when server_url is given.

    Changing threads or context size reloads the model (llama.cpp fixes both at load time).
    """
    if server_url:
        from engine.llm.openai_backend import OpenAIModel

        spec = registry.get(name) if name else None
        return OpenAIModel(server_url, model=name or "", prompt_style=spec.prompt_style if spec else "chatml")
    spec: ModelSpec = registry.get(name)
    if spec.adapter:
        base = registry.get(spec.base)
        path, lora = registry.resolve_path(base), adapter_path(spec)
    else:
        path, lora = registry.resolve_path(spec), None
    key = (str(path), str(lora) if lora else None, n_threads, n_ctx)
    with _lock:
        if key not in _cache:
            from engine.llm.llama_backend import LlamaModel

            _cache.clear()  # keep one model resident: memory on a laptop is the constraint
            _cache[key] = LlamaModel(
                path, name=spec.name, prompt_style=spec.prompt_style, lora_path=lora, n_ctx=n_ctx, n_threads=n_threads
            )
        return _cache[key]
