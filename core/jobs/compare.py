"""A try or a comparison on a sample (core.workbench.compare) in a background thread: progress, Stop, the result."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.engines.layers import RunOptions
from core.jobs.base import ThreadJob
from core.jobs.rows import GRACE
from core.rows.results import RowResult
from core.store import Store
from core.workbench.compare import Base, Comparison, Variant, compare


@dataclass(frozen=True)
class CompareProgress:
    """Answers so far, of how many, and whether the job still runs."""

    done: int
    total: int
    running: bool


class CompareJob(ThreadJob):
    """The variants asked about the sample in a thread with its own store connection; Stop keeps what was answered
    in the store (a new try pays nothing for it) and leaves no comparison."""

    def __init__(
        self,
        df: pd.DataFrame,
        file_name: str,
        base: Base,
        variants: Sequence[Variant],
        rows: Sequence[int],
        *,
        options: RunOptions = RunOptions(),
        engine: str | None = None,
        store: Path | None = None,
    ) -> None:
        super().__init__("compare")
        self._args = (df, file_name, base, list(variants), list(rows))
        self._options, self._engine, self._store = options, engine, store
        self.total = len(rows) * len(variants)
        self._done = 0
        self.result: Comparison | None = None
        self.error: BaseException | None = None

    @property
    def stopped(self) -> bool:
        """Whether Stop was asked for."""
        return self._cancel.is_set()

    def cancel(self, grace: float = GRACE) -> None:
        """Stop: nothing new is sent; answers in flight may arrive within `grace` seconds (they are paid for)."""
        self._stop(grace)

    def progress(self) -> CompareProgress:
        """Answers so far, of how many, and whether it still runs."""
        with self._lock:
            return CompareProgress(self._done, self.total, self.running)

    def _count(self, result: RowResult, done: int, total: int) -> None:
        with self._lock:
            self._done += 1

    def _main(self) -> None:
        store = Store(self._store) if self._store is not None else None
        try:
            result = asyncio.run(self._run(store))
            self.result = None if self.stopped else result
        except asyncio.CancelledError:
            self.result = None  # stopped while answers were still in flight
        except BaseException as exc:  # never let a worker thread die silently: the page shows this
            self.error = exc
        finally:
            if store is not None:
                store.close()
            self._finished.set()

    async def _run(self, store: Store | None) -> Comparison:
        self._attach(asyncio.current_task())
        try:
            return await compare(
                *self._args,
                options=self._options,
                engine=self._engine,
                store=store,
                on_result=self._count,
                cancel=self._cancel,
            )
        finally:
            self._detach()
