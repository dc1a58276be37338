"""`python -m finetune.worker RUN_DIR GGUF CONFIG_JSON`: one training run in its own process.

Events go to stdout as JSON lines (progress, done, error) so any front end (the CLI, the
wizard, a script) can follow it; SIGTERM/SIGINT finish the current step and save a checkpoint.
An exclusive lock on RUN_DIR/train.lock stops two processes training the same run.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path

from finetune.train import TrainConfig, TrainProgress, train


def emit(event: str, **fields) -> bool:
    """False when nobody listens any more (the app died): the caller then stops at a checkpoint."""
    try:
        sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
        sys.stdout.flush()
        return True
    except (BrokenPipeError, ValueError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - no one reads; keep the exit quiet
        return False


def _acquire(lock, wait_seconds: float) -> bool:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.5)


def _stop_with_parent() -> None:
    """If the app dies, this worker gets SIGTERM: it checkpoints and exits instead of training on unseen."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: the worker runs to its next checkpoint on its own


def main(argv: list[str]) -> int:
    run_dir, gguf, raw = Path(argv[0]), Path(argv[1]), json.loads(argv[2])
    raw["targets"] = tuple(raw.get("targets", ()))
    config = TrainConfig(**raw)
    run_dir.mkdir(parents=True, exist_ok=True)
    lock = open(run_dir / "train.lock", "w")  # noqa: SIM115 - held for the life of the process
    if not _acquire(lock, wait_seconds=120):  # a stopping predecessor may still be checkpointing
        emit("error", message=f"Another training process is already running in {run_dir}; wait for it or stop it first.", detail="")
        return 3
    stop = {"now": False}

    def on_signal(*_):
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    _stop_with_parent()

    def progress(p: TrainProgress) -> None:
        if not emit("progress", **asdict(p)):
            stop["now"] = True

    try:
        res = train(run_dir, gguf, config, progress, lambda: stop["now"])
    except Exception as exc:  # reported to the parent as an event, with the traceback as detail
        emit("error", message=str(exc) or type(exc).__name__, detail=traceback.format_exc())
        return 1
    emit("done", steps=res.steps, final_loss=res.final_loss, seconds=res.seconds, backend=res.backend, stopped=res.stopped, history=res.history)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
