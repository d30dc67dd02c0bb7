"""A row run (service.execute) in the background for interactive front ends: its own thread and event loop.
Pure: no UI imports, safe to poll from any thread."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from core.engines.factory import choose_engine
from core.engines.layers import Layer, build_engine
from core.engines.protocol import Completion, Engine, Message
from core.errors import EngineError
from core.jobs.base import ThreadJob
from core.rows.results import RowResult, unanswered_rows
from core.rows.service import RunSetup, execute, open_run
from core.store import LOCAL, RunInfo, Store

STOPPED = "stopped before it was answered"
NOT_RUN = "not run: the job failed"
GRACE = 3.0  # seconds a stopped run waits for the answers already in flight before abandoning them
WATCHED = ("failed", "cancelled")  # statuses whose failure kind (auth, budget, ...) the UI explains


@dataclass(frozen=True)
class RowSnapshot:
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


@dataclass(frozen=True)
class RowProgress:
    """Where a job stands without its results (cheap to take at any size): rows finished, of how many, running."""

    done: int
    total: int
    running: bool
    failure: str | None = None

    @property
    def fraction(self) -> float:
        """Share of rows finished, 0.0 to 1.0."""
        return self.done / self.total if self.total else 1.0


class _KindRecorder(Layer):
    """Remembers the kind (auth, rate_limit, budget, ...) behind each failure message; closes the engine once."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.kinds: dict[str, str] = {}
        self.closed = False

    async def complete(self, messages: list[Message], **kw) -> Completion:
        try:
            return await self.inner.complete(messages, **kw)
        except EngineError as exc:
            self.kinds[exc.message] = exc.kind
            raise

    async def aclose(self) -> None:
        if not self.closed:  # execute() closes it, and so does the job when it was stopped before starting
            self.closed = True
            await self.inner.aclose()


class RowJob(ThreadJob):
    """service.execute in a daemon thread with its own event loop; poll snapshot(), stop with cancel().

    With a store path the job opens its own connection to that file, records the run at once (`run_id`) and
    saves every result the moment it arrives; `engine` replaces the one build_engine would make (tests).
    """

    def __init__(
        self,
        setup: RunSetup,
        *,
        store: str | os.PathLike | None = None,
        run_id: int | None = None,
        only: Sequence[int] | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.setup, self.only = setup, None if only is None else list(only)
        self.todo = list(range(len(setup.df)) if only is None else only)
        self.store = None if store is None else Store(store)
        try:
            name, self.notice = choose_engine(setup.settings, setup.engine)
            self.setup, self.engine_name = replace(setup, engine=name), name  # chosen once: the run records this one
            inner = (
                engine
                if engine is not None
                else build_engine(setup.settings, name, setup.plan.task, setup.options, self.store)
            )
            self.run_id = run_id if self.store is None or run_id is not None else open_run(self.store, self.setup)
        except BaseException:
            self._close_store()
            raise
        super().__init__("row-job")
        self._engine = _KindRecorder(inner)
        self._results: dict[int, RowResult] = {}
        self._log: list[RowResult] = []  # results in the order they arrived: readers take what is new (since)
        self._kinds: dict[int, str] = {}
        self._failure: str | None = None

    def cancel(self, grace: float = GRACE) -> None:
        """Stop: no new rows are sent; requests in flight may finish within `grace` seconds (their answers are paid
        for), then are abandoned; finished rows are kept."""
        self._stop(grace)

    def snapshot(self) -> RowSnapshot:
        """The results so far (row -> RowResult), counts and state, copied under the lock."""
        with self._lock:
            return RowSnapshot(
                dict(self._results), len(self._results), len(self.todo), self.running, dict(self._kinds), self._failure
            )

    def progress(self) -> RowProgress:
        """Rows finished so far, of how many, and whether it still runs; copies nothing."""
        with self._lock:
            return RowProgress(len(self._results), len(self.todo), self.running, self._failure)

    def since(self, seen: int) -> tuple[list[RowResult], dict[int, str]]:
        """The results that arrived after the first `seen` (in arrival order) and the failure kinds of their rows:
        a poller folds in only what changed. The next call passes `seen + len(results)`."""
        with self._lock:
            new = self._log[seen:]
            return new, {r.row: self._kinds[r.row] for r in new if r.row in self._kinds}

    def _record(self, result: RowResult, done: int, total: int) -> None:
        with self._lock:
            self._results[result.row] = result
            self._log.append(result)
            kind = self._engine.kinds.get(result.error) if result.status in WATCHED else None
            if kind:
                self._kinds[result.row] = kind

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as exc:  # never let a worker thread die silently: the UI shows this
            self._failure = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            try:
                self._fill_missing()
            finally:
                self._close_store()
                self._finished.set()

    async def _run(self) -> None:
        task = asyncio.ensure_future(
            execute(
                self.setup,
                store=self.store,
                run_id=self.run_id,
                only=self.only,
                on_result=self._record,
                cancel=self._cancel,
                engine=self._engine,
            )
        )
        self._attach(task)
        try:
            await task
        except asyncio.CancelledError:
            pass
        finally:
            await self._close_engine()
            self._detach()

    async def _close_engine(self) -> None:
        try:
            await self._engine.aclose()
        except Exception:  # closing a broken connection must not hide the run's results
            pass

    def _fill_missing(self) -> None:
        with self._lock:
            missing = [i for i in self.todo if i not in self._results]
            for i in missing:
                reason = STOPPED if self._cancel.is_set() else NOT_RUN
                self._results[i] = RowResult(i, status="cancelled", error=reason)
                self._log.append(self._results[i])
        if self.store is not None and self.run_id is not None:
            for i in missing:  # the store shows what the page shows; a resume picks these rows up
                self.store.save_result(self.run_id, self._results[i])

    def _close_store(self) -> None:
        if self.store is not None:
            self.store.close()


def unanswered(store: Store, run_id: int, rows: int) -> list[int]:
    """Rows of a run with no final result yet: never sent, stopped, or held back by the budget."""
    return unanswered_rows(store.results(run_id), rows)


def interrupted(store: Store, limit: int = 20, owner: str = LOCAL) -> list[RunInfo]:
    """Those of the owner's latest `limit` runs that still have unanswered rows, newest first."""
    maybe = [r for r in store.runs(limit, owner=owner) if r.ok + r.failed + r.review < r.rows]
    return [r for r in maybe if unanswered(store, r.id, r.rows)]
