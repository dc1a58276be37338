"""A model served over an OpenAI-compatible HTTP API (llama_cpp.server, vLLM, Ollama).

Uses /v1/completions with the raw prompt, so the prompt format stays identical to
the in-process backend. Standard library only.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable

from engine.llm.base import GenerationCancelled, GenerationSettings


class ModelServerProblem(RuntimeError):
    pass


class OpenAIModel:
    def __init__(self, base_url: str, model: str = "", prompt_style: str = "chatml", api_key: str = "", timeout_s: float = 120):
        self.base_url = base_url.rstrip("/")
        if not self.base_url.endswith("/v1"):
            self.base_url += "/v1"
        self.name = model or "server"
        self.model = model
        self.prompt_style = prompt_style
        self.api_key = api_key
        self.timeout_s = timeout_s
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def begin(self) -> None:
        self._cancel.clear()

    def complete(
        self, prompt: str, settings: GenerationSettings, on_token: Callable[[str], None] | None = None
    ) -> str:
        if self._cancel.is_set():  # pressed between two generations of this ask
            raise GenerationCancelled("Generation was cancelled.")
        body = {
            "prompt": prompt,
            "max_tokens": settings.max_tokens,
            "temperature": settings.temperature,
            "stop": settings.stop[:4],  # the OpenAI API accepts at most 4 stop sequences
            "seed": settings.seed,
            "stream": True,
        }
        if self.model:
            body["model"] = self.model
        if settings.grammar:
            body["grammar"] = settings.grammar  # llama_cpp.server extension
        req = urllib.request.Request(
            self.base_url + "/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {})},
        )
        parts: list[str] = []
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
                for raw in resp:
                    if self._cancel.is_set():
                        raise GenerationCancelled("Generation was cancelled.")
                    line = raw.decode("utf-8", "replace").strip()
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    text = json.loads(data)["choices"][0].get("text", "")
                    parts.append(text)
                    if on_token and text:
                        on_token(text)
        except urllib.error.HTTPError as exc:
            raise ModelServerProblem(f"The model server answered {exc.code}: {exc.read()[:300]!r}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ModelServerProblem(f"Cannot reach the model server at {self.base_url}: {exc}. Is it running?") from exc
        text = "".join(parts)
        for s in settings.stop:  # the server only applied the first four
            if s in text:
                text = text[: text.index(s)]
        return text
