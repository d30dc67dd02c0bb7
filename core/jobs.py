"""Background work for interactive front ends: a row run in its own thread and event loop, and a
summary stream driven from synchronous code. Pure: no UI imports, safe to poll from any thread."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .engine import Completion, Engine, Message
from .errors import EngineError
from .results import RowResult
from .runner import RowSpec, run_rows
from .summary import stream_summary
from .templates import Template

STOPPED = "stopped before it was answered"
NOT_RUN = "not run: the job failed"


@dataclass(frozen=True)
class JobSnapshot:
    """A consistent copy of a job's progress: finished rows so far, how many, and whether it still runs."""

    results: dict[int, RowResult]
    done: int
    total: int
    running: bool
    kinds: dict[int, str] = field(default_factory=dict)
    failure: str | None = None

    @property
    def fraction(self) -> float:
        """Share of rows finished, 0.0 to 1.0."""
        return self.done / self.total if self.total else 1.0


class _KindRecorder:
    """Wraps an engine to remember the kind (auth, rate_limit, ...) behind each failure message."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.name = engine, getattr(engine, "name", "engine")
        self.kinds: dict[str, str] = {}

    async def complete(self, messages: list[Message]) -> Completion:
        try:
            return await self.engine.complete(messages)
        except EngineError as exc:
            self.kinds[exc.message] = exc.kind
            raise

    def stream(self, messages: list[Message], on_usage=None):
        return self.engine.stream(messages, on_usage=on_usage)

    async def aclose(self) -> None:
        await self.engine.aclose()


class RowJob:
    """run_rows in a daemon thread with its own event loop; poll snapshot(), stop with cancel()."""

    def __init__(self, rows: Sequence[Mapping[str, object]], spec: RowSpec, engine: Engine, *,
                 concurrency: int = 8, only: Sequence[int] | None = None) -> None:
        self.rows, self.spec, self.concurrency = rows, spec, concurrency
        self.todo = list(range(len(rows)) if only is None else only)
        self._engine = _KindRecorder(engine)
        self._lock = threading.Lock()
        self._results: dict[int, RowResult] = {}
        self._kinds: dict[int, str] = {}
        self._cancel = threading.Event()
        self._finished = threading.Event()
        self._failure: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._thread = threading.Thread(target=self._main, name="row-job", daemon=True)

    def start(self) -> RowJob:
        """Start the thread; returns self for chaining."""
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop: no new rows are sent and requests in flight are abandoned; finished rows are kept."""
        self._cancel.set()
        with self._lock:
            loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:  # the loop closed between the check and the call: nothing left to stop
                pass

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished (True) or `timeout` passed (False)."""
        return self._finished.wait(timeout)

    @property
    def running(self) -> bool:
        """True until every row has a final result."""
        return not self._finished.is_set()

    def snapshot(self) -> JobSnapshot:
        """The results so far (row -> RowResult), counts and state, copied under the lock."""
        with self._lock:
            return JobSnapshot(dict(self._results), len(self._results), len(self.todo), self.running,
                               dict(self._kinds), self._failure)

    def _record(self, result: RowResult, done: int, total: int) -> None:
        with self._lock:
            self._results[result.row] = result
            kind = self._engine.kinds.get(result.error) if result.status == "failed" else None
            if kind:
                self._kinds[result.row] = kind

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as exc:  # never let a worker thread die silently: the UI shows this
            self._failure = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            self._fill_missing()
            self._finished.set()

    async def _run(self) -> None:
        task = asyncio.ensure_future(run_rows(self.rows, self.spec, self._engine, concurrency=self.concurrency,
                                              only=self.todo, on_result=self._record, cancel=self._cancel))
        with self._lock:
            self._loop, self._task = asyncio.get_running_loop(), task
        if self._cancel.is_set():
            task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        finally:
            await self._close_engine()
            with self._lock:
                self._task = None

    async def _close_engine(self) -> None:
        try:
            await self._engine.aclose()
        except Exception:  # closing a broken connection must not hide the run's results
            pass

    def _fill_missing(self) -> None:
        with self._lock:
            for i in self.todo:
                if i not in self._results:
                    reason = STOPPED if self._cancel.is_set() else NOT_RUN
                    self._results[i] = RowResult(i, status="cancelled", error=reason)


def stream_sync(transcript: str, template: Template, engine: Engine, parts: list[str],
                on_usage: Callable[[Completion], None] | None = None) -> Iterator[str]:
    """stream_summary for synchronous callers: yields deltas, appends each to `parts`, closes the engine."""
    loop = asyncio.new_event_loop()
    agen = stream_summary(transcript, template, engine, on_usage=on_usage)
    try:
        while True:
            try:
                delta = loop.run_until_complete(agen.__anext__())
            except StopAsyncIteration:
                return
            parts.append(delta)
            yield delta
    finally:
        try:
            loop.run_until_complete(agen.aclose())
            loop.run_until_complete(engine.aclose())
        finally:
            loop.close()
