"""A whole row run as the CLI and the pages do it: engine layers, the store, results saved as they arrive."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from core.engines.factory import choose_engine
from core.engines.layers import RunOptions, answer_params, build_engine
from core.engines.pricing import load_prices
from core.engines.protocol import Engine
from core.rows.plan import RowPlan
from core.rows.results import RowResult, failed_rows, run_stats
from core.rows.runner import OnResult, check_plan, run_rows, table_rows
from core.settings import ModelSettings
from core.store import LOCAL, Store, request_keys


@dataclass
class RunSetup:
    """Everything one run needs; `engine` None means: choose (offline when there is no key); only `owner` lists it."""

    df: pd.DataFrame
    file_name: str
    plan: RowPlan
    settings: ModelSettings
    options: RunOptions = field(default_factory=RunOptions)
    engine: str | None = None
    owner: str = LOCAL
    _rows: list[dict[str, object]] | None = field(default=None, init=False, repr=False, compare=False)

    def rows(self) -> list[dict[str, object]]:
        """The rows as the template sees them, made once per setup (the CLI's quote and the run share them)."""
        if self._rows is None:
            self._rows = table_rows(self.df, self.plan.text_column)
        return self._rows


@dataclass
class RunOutcome:
    """What a run produced: its id in the store (if any), the results and the engine used."""

    run_id: int | None
    results: list[RowResult]
    engine: str
    notice: str | None = None


def row_keys(setup: RunSetup, engine: str, rows: Sequence[dict]) -> list[str]:
    """Each row's request key, as if sent alone (to spot rows whose prompt changed since their answer)."""
    params = answer_params(setup.settings, engine, setup.options)
    return request_keys(setup.settings.model, map(setup.plan.template.messages, rows), params)


def _start(store: Store, setup: RunSetup, engine: str) -> int:
    template = setup.plan.template
    params = answer_params(setup.settings, engine, setup.options) | {
        "rpm": setup.options.rpm,
        "tpm": setup.options.tpm,
        "pack": setup.options.pack,
        "budget": setup.options.budget,
        "labels": list(setup.plan.labels),
    }
    if template.shots is not None:  # few-shot examples are part of what decides the answers
        params["examples"] = template.shots.params()
    return store.start_run(
        file_name=setup.file_name,
        input_hash=store.save_input(setup.df, setup.file_name),
        task=setup.plan.task or "custom",
        template=template.user,
        system=template.system,
        model=setup.settings.model if engine == "openai" else engine,
        engine=engine,
        params=params,
        output_column=setup.plan.output_column,
        text_column=setup.plan.text_column or "",
        rows=len(setup.df),
        owner=setup.owner,
    )


def open_run(store: Store, setup: RunSetup) -> int:
    """Record a new run of `setup` in the store now and return its id (before any row is sent)."""
    name, _ = choose_engine(setup.settings, setup.engine)
    return _start(store, setup, name)


async def execute(
    setup: RunSetup,
    *,
    store: Store | None = None,
    run_id: int | None = None,
    only: Sequence[int] | None = None,
    on_result: OnResult | None = None,
    cancel: threading.Event | None = None,
    engine: Engine | None = None,
    on_started: Callable[[], None] | None = None,
) -> RunOutcome:
    """Run the setup (or only some rows of run `run_id`), saving each result the moment it arrives.

    A given `engine` (build_engine's, wrapped by the caller) is used instead of a new one and closed after.
    """
    check_plan(setup.plan, list(setup.df.columns))
    name, notice = choose_engine(setup.settings, setup.engine)
    rows = setup.rows()
    if engine is None:
        engine = build_engine(setup.settings, name, setup.plan.task, setup.options, store)
    if store is not None and run_id is None:
        run_id = _start(store, setup, name)
    keys = row_keys(setup, name, rows) if store is not None else []
    if store is not None and run_id is not None and only is not None:
        for i in store.edited_rows(run_id) & set(only):  # asked for explicitly: the new answer replaces the edit
            store.save_edit(run_id, i, None)

    def record(result: RowResult, done: int, total: int) -> None:
        if store is not None and run_id is not None:
            store.save_result(run_id, result, keys[result.row] if result.status in ("ok", "review") else "")
        if on_result:
            on_result(result, done, total)

    try:
        results = await run_rows(
            rows,
            setup.plan,
            engine,
            concurrency=setup.settings.concurrency,
            only=only,
            pack=setup.options.pack,
            on_result=record,
            cancel=cancel,
            on_started=on_started,
        )
    finally:
        await engine.aclose()
    if store is not None and run_id is not None:
        stats = run_stats(store.results(run_id))
        store.finish_run(run_id, load_prices().cost(setup.settings.model, stats.prompt_tokens, stats.completion_tokens))
    return RunOutcome(run_id, results, name, notice)


def execute_sync(setup: RunSetup, **kwargs) -> RunOutcome:
    """execute() from synchronous code."""
    return asyncio.run(execute(setup, **kwargs))


def rows_to_rerun(store: Store, run_id: int, setup: RunSetup, which: str, keep_edits: bool = True) -> list[int]:
    """Row numbers to send again: 'failed' (failed, review or never sent) or 'changed' (prompt changed)."""
    done = {r.row: r for r in store.results(run_id)}
    if which == "failed":
        picked = failed_rows(done.values(), len(setup.df))
    else:
        name, _ = choose_engine(setup.settings, setup.engine)
        old = store.row_keys(run_id)
        new = row_keys(setup, name, setup.rows())
        # Rows without an answer are the failed and unanswered ones' business, not this one's.
        picked = [i for i, key in enumerate(new) if i in old and old[i] != key and done[i].status != "skipped"]
    edited = store.edited_rows(run_id) if keep_edits else set()
    return [i for i in picked if i not in edited]
