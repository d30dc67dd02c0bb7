"""Minutes written in the background: core.minutes.mapreduce.minutes in a daemon thread with its own event loop,
polled with snapshot() and stopped with cancel(). Pure: no UI imports, safe to poll from any thread."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.jobs.base import ThreadJob
from core.minutes.mapreduce import MinutesResult, minutes

OWN_CALLBACKS = ("on_progress", "on_delta")  # the job records progress and deltas itself


@dataclass(frozen=True)
class MinutesSnapshot:
    """A consistent copy of a minutes job: the step, the Markdown streamed so far, and how it ended."""

    stage: str  # "start" before the first report, then "map" | "reduce" | "final"
    done: int
    total: int
    streamed: str
    running: bool
    seconds: float
    result: MinutesResult | None = None
    error: BaseException | None = None
    cancelled: bool = False

    @property
    def fraction(self) -> float:
        """How far the current step has come, 0.0 to 1.0 (the final step counts as whole)."""
        if self.stage == "final":
            return 1.0
        return self.done / self.total if self.total else 0.0


class MinutesJob(ThreadJob):
    """`minutes(df, **kwargs)` in a daemon thread; poll snapshot(), stop with cancel(); the engine is closed after."""

    def __init__(self, df: pd.DataFrame, **kwargs: Any) -> None:
        taken = [name for name in OWN_CALLBACKS if name in kwargs]
        if taken:
            raise TypeError(f"MinutesJob records progress itself; do not pass {', '.join(taken)}")
        super().__init__("minutes-job")
        self.df, self.kwargs, self.engine = df, kwargs, kwargs["engine"]
        self._stage, self._done, self._total = "start", 0, 0
        self._parts: list[str] = []
        self._result: MinutesResult | None = None
        self._error: BaseException | None = None
        self._started: float | None = None
        self._ended: float | None = None

    def start(self) -> MinutesJob:
        """Start the thread; returns self for chaining."""
        self._started = time.perf_counter()
        return super().start()

    def cancel(self) -> None:
        """Stop now: requests in flight are abandoned; what was streamed stays in the snapshot."""
        self._stop()

    def snapshot(self) -> MinutesSnapshot:
        """Progress, the streamed Markdown and the outcome so far, copied under the lock."""
        with self._lock:
            end = self._ended if self._ended is not None else time.perf_counter()
            seconds = end - self._started if self._started is not None else 0.0
            return MinutesSnapshot(
                self._stage,
                self._done,
                self._total,
                "".join(self._parts),
                self.running,
                seconds,
                self._result,
                self._error,
                self._cancel.is_set(),
            )

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._cancel.is_set():  # cancelled steps still report as they unwind: not progress
            return
        with self._lock:
            self._stage, self._done, self._total = stage, done, total

    def _delta(self, text: str) -> None:
        with self._lock:
            self._parts.append(text)

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as exc:  # kept as data for the caller: a worker thread must never die silently
            with self._lock:
                self._error = exc
        finally:
            with self._lock:
                self._ended = time.perf_counter()
            self._finished.set()

    async def _run(self) -> None:
        task = asyncio.ensure_future(minutes(self.df, **self.kwargs, on_progress=self._progress, on_delta=self._delta))
        self._attach(task)
        try:
            result = await task
            with self._lock:
                self._result = result
        except asyncio.CancelledError:
            if not self._cancel.is_set():
                raise
        finally:
            self._detach()
            await self._close_engine()

    async def _close_engine(self) -> None:
        try:
            await self.engine.aclose()
        except Exception:  # closing a broken connection must not hide the minutes or the real error
            pass
