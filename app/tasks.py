"""One cancellable background-task helper: every engine call runs here, never on the GUI thread."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskSignals(QObject):
    progress = Signal(object)  # whatever the task reports (token text, counts, …)
    done = Signal(object)
    failed = Signal(str, str)  # readable message, full detail


class Task(QRunnable):
    """Runs fn(report) in the pool; `report(x)` emits progress from the worker thread."""

    def __init__(self, fn: Callable[[Callable[[object], None]], object]):
        super().__init__()
        self.fn = fn
        self.signals = TaskSignals()
        self.cancelled = False
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit)
        except Exception as exc:  # noqa: BLE001 - shown to the user, detail kept for the trace
            self.signals.failed.emit(_readable(exc), traceback.format_exc())
            return
        self.signals.done.emit(result)


def _readable(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:400]


class TaskRunner(QObject):
    """Keeps references to running tasks (so they are not collected) and starts them."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool.globalInstance()
        self._running: set[Task] = set()

    def start(self, fn, on_done=None, on_failed=None, on_progress=None) -> Task:
        task = Task(fn)
        # queued connections deliver one event per slot, in connection order: forget the task
        # first, so a callback that starts the next task never sees this one as still running
        task.signals.done.connect(lambda *_: self._running.discard(task))
        task.signals.failed.connect(lambda *_: self._running.discard(task))
        if on_done:
            task.signals.done.connect(on_done)
        if on_failed:
            task.signals.failed.connect(on_failed)
        if on_progress:
            task.signals.progress.connect(on_progress)
        self._running.add(task)
        self.pool.start(task)
        return task

    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, ms: int = 30000) -> bool:
        return self.pool.waitForDone(ms)
