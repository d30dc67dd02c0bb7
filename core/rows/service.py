"""A whole row run as the CLI and the pages do it: engine layers, the store, results saved as they arrive."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from core.engines.factory import choose_engine
from core.engines.layers import RunOptions, answer_params, build_engine
from core.engines.pricing import load_prices
from core.engines.protocol import Engine
from core.rows.plan import RowPlan
from core.rows.results import RowResult, run_stats
from core.rows.runner import OnResult, check_spec, run_rows, table_rows
from core.settings import ModelSettings
from core.store import LOCAL, Store, request_key


@dataclass
class RunJob:
    """Everything one run needs; `engine` None means: choose (offline when there is no key); only `owner` lists it."""

    df: pd.DataFrame
    file_name: str
    plan: RowPlan
    settings: ModelSettings
    options: RunOptions = field(default_factory=RunOptions)
    engine: str | None = None
    owner: str = LOCAL


@dataclass
class RunOutcome:
    """What a run produced: its id in the store (if any), the results and the engine used."""

    run_id: int | None
    results: list[RowResult]
    engine: str
    notice: str | None = None


def row_keys(job: RunJob, engine: str, rows: Sequence[dict]) -> list[str]:
    """Each row's request key, as if sent alone (to spot rows whose prompt changed since their answer)."""
    params = answer_params(job.settings, engine, job.options)
    return [request_key(job.settings.model, job.plan.spec.template.messages(r), params) for r in rows]


def _start(store: Store, job: RunJob, engine: str) -> int:
    template = job.plan.spec.template
    params = answer_params(job.settings, engine, job.options) | {
        "rpm": job.options.rpm,
        "tpm": job.options.tpm,
        "pack": job.options.pack,
        "budget": job.options.budget,
        "labels": list(job.plan.spec.labels),
    }
    if template.shots is not None:  # few-shot examples are part of what decides the answers
        params["examples"] = template.shots.params()
    return store.start_run(
        file_name=job.file_name,
        input_hash=store.save_input(job.df, job.file_name),
        task=job.plan.task or "custom",
        template=template.user,
        system=template.system,
        model=job.settings.model if engine == "openai" else engine,
        engine=engine,
        params=params,
        output_column=job.plan.output_column,
        text_column=job.plan.spec.text_column or "",
        rows=len(job.df),
        owner=job.owner,
    )


def open_run(store: Store, job: RunJob) -> int:
    """Record a new run of `job` in the store now and return its id (before any row is sent)."""
    name, _ = choose_engine(job.settings, job.engine)
    return _start(store, job, name)


async def execute(
    job: RunJob,
    *,
    store: Store | None = None,
    run_id: int | None = None,
    only: Sequence[int] | None = None,
    on_result: OnResult | None = None,
    cancel: threading.Event | None = None,
    engine: Engine | None = None,
) -> RunOutcome:
    """Run the job (or only some rows of run `run_id`), saving each result the moment it arrives.

    A given `engine` (build_engine's, wrapped by the caller) is used instead of a new one and closed after.
    """
    check_spec(job.plan.spec, list(job.df.columns))
    name, notice = choose_engine(job.settings, job.engine)
    rows = table_rows(job.df, job.plan.spec.text_column)
    if engine is None:
        engine = build_engine(job.settings, name, job.plan.task, job.options, store)
    if store is not None and run_id is None:
        run_id = _start(store, job, name)
    keys = row_keys(job, name, rows) if store is not None else []
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
            job.plan.spec,
            engine,
            concurrency=job.settings.concurrency,
            only=only,
            pack=job.options.pack,
            on_result=record,
            cancel=cancel,
        )
    finally:
        await engine.aclose()
    if store is not None and run_id is not None:
        stats = run_stats(store.results(run_id))
        store.finish_run(run_id, load_prices().cost(job.settings.model, stats.prompt_tokens, stats.completion_tokens))
    return RunOutcome(run_id, results, name, notice)


def execute_sync(job: RunJob, **kwargs) -> RunOutcome:
    """execute() from synchronous code."""
    return asyncio.run(execute(job, **kwargs))


def rows_to_rerun(store: Store, run_id: int, job: RunJob, which: str, keep_edits: bool = True) -> list[int]:
    """Row numbers to send again: 'failed' (failed, review or never sent) or 'changed' (prompt changed)."""
    done = {r.row: r for r in store.results(run_id)}
    if which == "failed":
        picked = [i for i in range(len(job.df)) if i not in done or done[i].status not in ("ok", "skipped")]
    else:
        name, _ = choose_engine(job.settings, job.engine)
        old = store.row_keys(run_id)
        new = row_keys(job, name, table_rows(job.df, job.plan.spec.text_column))
        picked = [i for i, key in enumerate(new) if old.get(i) != key and done.get(i, RowResult(i)).status != "skipped"]
    edited = store.edited_rows(run_id) if keep_edits else set()
    return [i for i in picked if i not in edited]
