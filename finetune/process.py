"""Run training in a child process (finetune.worker) and follow its JSON-line events.

Why a process: torch holds ~2.5 GB and both cores while it trains; in its own process the GUI
stays responsive, a crash cannot take the app down, memory is returned when it ends, and a
stop request is a signal the worker answers by checkpointing.
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from finetune.train import TrainConfig, TrainProgress, TrainResult


class TrainingFailed(RuntimeError):
    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


def train_in_subprocess(
    run_dir: Path,
    gguf_path: Path,
    config: TrainConfig,
    progress: Callable[[TrainProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_event: Callable[[dict], None] | None = None,
) -> TrainResult:
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "finetune.worker", str(run_dir), str(gguf_path), json.dumps(asdict(config))]
    with open(run_dir / "train.log", "a") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        done: dict | None = None
        error: dict | None = None
        signalled = False
        while True:
            if should_stop and not signalled and should_stop():
                proc.send_signal(signal.SIGTERM)  # the worker finishes the step and checkpoints
                signalled = True
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                log.write(line)  # a library printed to stdout (Unsloth's banner): keep it in the log
                log.flush()
                continue
            if on_event:
                on_event(event)
            kind = event.pop("event", "")
            if kind == "progress" and progress:
                progress(TrainProgress(**event))
            elif kind == "done":
                done = event
            elif kind == "error":
                error = event
        code = proc.wait()
    if error or done is None:
        tail = (run_dir / "train.log").read_text(errors="replace")[-2000:]
        message = error["message"] if error else f"The training process exited with code {code} before finishing; see {run_dir / 'train.log'}."
        raise TrainingFailed(message, (error or {}).get("detail") or tail)
    return TrainResult(run_dir, done["steps"], done["final_loss"], done["seconds"], done["backend"], done["stopped"], done["history"])
