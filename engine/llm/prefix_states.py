"""Saved KV states of expensive prompt prefixes, so one prompt does not evict another's.

llama.cpp keeps one KV cache per context and reuses only the prefix the next prompt shares
with the last one. The pipeline alternates between two prompt families — the whole-schema
prompt (same ~1–3k tokens for every question) and, when that answer fails, a retrieval
prompt — and each switch back to the whole schema used to re-evaluate it (~3 s on two
cores). This keeps a snapshot of the KV state after any prompt that cost many tokens to
evaluate and restores the snapshot that shares the longest prefix with the next prompt.

Only the KV state and token ids are saved, not llama-cpp-python's logits buffer: after a
restore it always decodes at least one token before sampling (``_requires_eval``), so the
buffer is rewritten anyway, and skipping it saves 100 MB per snapshot for a 49k vocabulary
(0.5 GB for Gemma's 262k). Written against llama-cpp-python 0.3.x's ``Llama`` attributes;
if they change, snapshots switch themselves off and generation is merely slower.
"""

from __future__ import annotations

import ctypes
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np


@dataclass
class _Snapshot:
    tokens: np.ndarray  # token ids held in the KV cache
    data: ctypes.Array  # llama_state_get_data bytes
    size: int


def common_prefix(a, b) -> int:
    n = min(len(a), len(b))
    if n == 0:
        return 0
    a, b = np.asarray(a[:n]), np.asarray(b[:n])
    diff = np.flatnonzero(a != b)
    return int(diff[0]) if diff.size else n


class PrefixStates:
    """Up to ``capacity`` KV snapshots, least recently used dropped first."""

    def __init__(self, llm, capacity: int = 2, min_tokens: int = 256):
        self.llm = llm
        self.capacity = capacity
        self.min_tokens = min_tokens  # prefixes cheaper than this are not worth a snapshot
        self._snaps: OrderedDict[int, _Snapshot] = OrderedDict()
        self._key = 0
        self.enabled = capacity > 0
        self.restores = 0

    def _live(self) -> np.ndarray:
        return self.llm.input_ids[: self.llm.n_tokens]

    def prepare(self, prompt_tokens: list[int]) -> int:
        """Restore the best snapshot for this prompt; returns how many tokens still need evaluating."""
        if not self.enabled:
            return len(prompt_tokens)
        try:
            live = common_prefix(self._live(), prompt_tokens)
            best_key, best = None, live
            for key, snap in self._snaps.items():
                n = common_prefix(snap.tokens, prompt_tokens)
                if n > best:
                    best_key, best = key, n
            if best_key is not None and best - live >= self.min_tokens:
                self._restore(self._snaps[best_key])
                self._snaps.move_to_end(best_key)
                self.restores += 1
                return len(prompt_tokens) - best
            return len(prompt_tokens) - live
        except (AttributeError, RuntimeError, ValueError):
            self.enabled = False
            self._snaps.clear()
            getattr(self.llm, "reset", lambda: None)()  # a half-restored KV cache must not be trusted: evaluate from scratch
            return len(prompt_tokens)

    def remember(self, evaluated: int) -> None:
        """After a generation that evaluated ``evaluated`` new prompt tokens, snapshot if it was costly."""
        if not self.enabled or evaluated < self.min_tokens:
            return
        try:
            import llama_cpp

            ctx = self.llm._ctx.ctx
            size = llama_cpp.llama_state_get_size(ctx)
            data = (ctypes.c_uint8 * int(size))()
            written = int(llama_cpp.llama_state_get_data(ctx, data, size))
            if written > size:
                raise RuntimeError("llama_state_get_data overflow")
            self._key += 1
            self._snaps[self._key] = _Snapshot(self._live().copy(), data, written)
            while len(self._snaps) > self.capacity:
                self._snaps.popitem(last=False)
        except (AttributeError, RuntimeError, ValueError):
            self.enabled = False
            self._snaps.clear()

    def _restore(self, snap: _Snapshot) -> None:
        import llama_cpp

        if llama_cpp.llama_state_set_data(self.llm._ctx.ctx, snap.data, snap.size) != snap.size:
            raise RuntimeError("llama_state_set_data failed")
        n = len(snap.tokens)
        self.llm.input_ids[:n] = snap.tokens
        self.llm.n_tokens = n
        self.llm._requires_eval = True  # logits were not saved: decode at least one token first

    @property
    def nbytes(self) -> int:
        return sum(s.size for s in self._snaps.values())
