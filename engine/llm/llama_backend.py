"""llama.cpp in-process through llama-cpp-python.

Prompts are raw completions (the chat template is applied by engine/prompt), so the
stable prefix is the same tokens every time and llama.cpp reuses its KV cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from engine.llm.base import GenerationCancelled, GenerationSettings
from engine.llm.gguf_check import ModelFileProblem, check_gguf
from engine.llm.prefix_states import PrefixStates


@lru_cache(maxsize=16)
def _checked(path: str, size: int, mtime: float) -> dict:
    return check_gguf(Path(path))


class LlamaModel:
    def __init__(
        self,
        path: Path,
        name: str,
        prompt_style: str,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        lora_path: Path | None = None,
    ):
        path = Path(path)
        if not path.is_file():
            raise ModelFileProblem(f"Model file not found: {path}")
        st = path.stat()
        self.meta = _checked(str(path), st.st_size, st.st_mtime)
        if lora_path is not None:
            lst = Path(lora_path).stat()
            _checked(str(lora_path), lst.st_size, lst.st_mtime)
        from llama_cpp import Llama

        try:
            self.llm = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads or 2,
                # llama-cpp-python's default for prompt batches is every core: with `--threads 1` evaluations
                # side by side, each process then ran two threads whose spin-waits starved the others
                # (a 17-token prompt suffix took 0.6–8 s instead of 0.2 s)
                n_threads_batch=n_threads or 2,
                n_batch=512,
                verbose=False,
                lora_path=str(lora_path) if lora_path else None,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelFileProblem(f"llama.cpp could not load {path.name}: {exc}") from exc
        self.name = name
        self.prompt_style = prompt_style
        self.path = path
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._grammars: dict[str, object] = {}
        self.prefix_states = PrefixStates(self.llm)

    def cancel(self) -> None:
        self._cancel.set()

    def begin(self) -> None:
        self._cancel.clear()

    def n_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode(), add_bos=False, special=True))

    def _grammar(self, text: str | None):
        if not text:
            return None
        if text not in self._grammars:
            from llama_cpp import LlamaGrammar

            self._grammars[text] = LlamaGrammar.from_string(text, verbose=False)
        return self._grammars[text]

    def complete(
        self, prompt: str, settings: GenerationSettings, on_token: Callable[[str], None] | None = None
    ) -> str:
        with self._lock:  # one generation at a time per loaded model
            if self._cancel.is_set():  # pressed between two generations of this ask
                raise GenerationCancelled("Generation was cancelled.")
            tokens = self.llm.tokenize(prompt.encode(), add_bos=True, special=True)
            to_eval = self.prefix_states.prepare(tokens)
            stream = self.llm.create_completion(
                tokens,
                max_tokens=settings.max_tokens,
                temperature=settings.temperature,
                top_k=40 if settings.temperature > 0 else 1,
                stop=settings.stop,
                grammar=self._grammar(settings.grammar),
                seed=settings.seed,
                repeat_penalty=settings.repeat_penalty,
                stream=True,
            )
            parts = []
            for chunk in stream:
                if self._cancel.is_set():
                    stream.close()
                    raise GenerationCancelled("Generation was cancelled.")
                text = chunk["choices"][0]["text"]
                parts.append(text)
                if on_token and text:
                    on_token(text)
            self.prefix_states.remember(to_eval)
            return "".join(parts)
