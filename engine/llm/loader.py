"""Load a model by name once per process; the GUI swaps models without a restart."""

from __future__ import annotations

import threading

from engine.llm.registry import ModelRegistry, ModelSpec, adapter_path

_cache: dict[tuple, object] = {}
_lock = threading.Lock()
# the answering model and its fallback (AskSettings.fallback_model); a third load evicts the least recently used
RESIDENT = 2


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
        if key in _cache:
            _cache[key] = _cache.pop(key)  # most recently used last: eviction takes the least recent
        else:
            from engine.llm.llama_backend import LlamaModel

            while len(_cache) >= RESIDENT:  # memory on a laptop is the constraint
                _cache.pop(next(iter(_cache)))
            _cache[key] = LlamaModel(
                path, name=spec.name, prompt_style=spec.prompt_style, lora_path=lora, n_ctx=n_ctx, n_threads=n_threads
            )
        return _cache[key]


def load_fallback(registry: ModelRegistry, settings, primary) -> LazyModel | None:
    """The model asked again when the primary's answer fails or is empty (in-process llama.cpp),
    loaded only when first asked; None when the setting is off or names the primary itself.
    An unknown name is refused here, before the question is asked."""
    name = settings.fallback_model
    if not name or name == primary.name:
        return None
    return LazyModel(registry, name, n_threads=settings.threads, n_ctx=settings.context_size)


class LazyModel:
    """A registry model that loads on first use: a fallback costs no load time or memory on the
    questions that never need it (most of them)."""

    def __init__(self, registry: ModelRegistry, name: str, **load_args):
        spec = registry.get(name)
        self.name, self.prompt_style = spec.name, spec.prompt_style
        self._registry, self._args = registry, load_args
        self._model = None

    def model(self):
        """The loaded model (loading it the first time; ModelFileProblem / UnknownModel if it cannot be)."""
        if self._model is None:
            self._model = load_model(self._registry, self.name, **self._args)
        return self._model

    def begin(self) -> None:
        self.model().begin()

    def complete(self, prompt, settings, on_token=None) -> str:
        return self.model().complete(prompt, settings, on_token)

    def cancel(self) -> None:
        if self._model is not None:
            self._model.cancel()

    def n_tokens(self, text: str) -> int:
        return self.model().n_tokens(text)
