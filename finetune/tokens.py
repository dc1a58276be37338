"""Training token ids exactly as llama.cpp will see them at inference.

transformers converts the GGUF's vocabulary into its own tokenizer, and for Gemma 3 that
conversion is wrong: it splits "Schema" into "Sc|he|ma" where llama.cpp has one token, and it
adds no BOS, which Gemma needs. A model trained on those ids learns a language it never reads
at inference. So the ids come from llama.cpp's own tokenizer, read from the same GGUF
(vocabulary only, no weights): the prompt as `create_completion` tokenizes it (BOS when the
model asks for one, special tokens parsed), the completion appended without BOS.
"""

from __future__ import annotations

from pathlib import Path


class LlamaTokens:
    def __init__(self, gguf_path: Path):
        from llama_cpp import Llama

        self._llm = Llama(model_path=str(gguf_path), vocab_only=True, verbose=False)

    def prompt(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode(), add_bos=True, special=True)

    def completion(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode(), add_bos=False, special=True)

    def text(self, ids: list[int]) -> str:
        return self._llm.detokenize(ids).decode(errors="replace")

    def close(self) -> None:
        self._llm.close()
