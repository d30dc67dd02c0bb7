"""What the background jobs share: a daemon thread with its own event loop, one task in it, stop and wait."""

from __future__ import annotations

import asyncio
import threading
from abc import ABC, abstractmethod


class ThreadJob(ABC):
    """A daemon thread running `self._main`; subclasses attach their task with `_attach` and stop it with `_stop`."""

    def __init__(self, name: str) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._finished = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    @abstractmethod
    def _main(self) -> None:
        """The thread's body: run the job's loop and set `self._finished` at the end, whatever happens."""

    def start(self):
        """Start the thread; returns self for chaining."""
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has ended (True) or `timeout` passed (False)."""
        return self._finished.wait(timeout)

    @property
    def running(self) -> bool:
        """True until the job has ended."""
        return not self._finished.is_set()

    def _attach(self, task: asyncio.Task) -> None:
        """Note the task to stop (called inside the job's loop); a stop asked for before this takes effect now."""
        with self._lock:
            self._loop, self._task = asyncio.get_running_loop(), task
        if self._cancel.is_set():
            task.cancel()

    def _detach(self) -> None:
        with self._lock:
            self._task = None

    def _stop(self, delay: float = 0.0) -> None:
        """Mark the job stopped and cancel its task after `delay` seconds (from any thread)."""
        self._cancel.set()
        with self._lock:
            loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(loop.call_later, delay, task.cancel)
            except RuntimeError:  # the loop closed between the check and the call: nothing left to stop
                pass
