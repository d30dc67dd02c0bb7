"""Run a template over rows: many requests in flight, each row ending as data, cancellable."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence

import pandas as pd

from core.engines.protocol import Engine
from core.errors import CoreError, EngineError, TemplateError
from core.rows.packing import pack_messages, parse_reply, response_format
from core.rows.plan import RowPlan
from core.rows.results import RowResult
from core.rows.tasks import check_label
from core.rows.templates import is_blank

TEXT_ALIAS = "text"
OnResult = Callable[[RowResult, int, int], None]


def table_rows(df: pd.DataFrame, text_column: str | None) -> list[dict[str, object]]:
    """The rows as dicts, with the chosen text column also reachable as {text}."""
    records = df.to_dict(orient="records")
    if text_column is not None:
        if text_column not in df.columns:
            raise TemplateError(
                f"No column named '{text_column}'. Columns: {', '.join(map(str, df.columns))}",
                code="template.text_column",
                name=text_column,
            )
        for rec in records:
            rec[TEXT_ALIAS] = rec[text_column]
    return records


def check_plan(plan: RowPlan, columns: Sequence[str]) -> None:
    """Refuse, before any request, a template whose placeholders name no column."""
    names = [*map(str, columns), *([TEXT_ALIAS] if plan.text_column is not None else [])]
    plan.template.check(names)


def _judge(plan: RowPlan, result: RowResult, text: str) -> None:
    if not plan.labels:
        result.output, result.status = text.strip(), "ok"
        return
    label, matched = check_label(text, plan.labels)
    result.output, result.status = label, ("ok" if matched else "review")
    if not matched:
        result.error = "answer is not one of the labels"


def _failure(result: RowResult, exc: Exception) -> RowResult:
    if isinstance(exc, EngineError) and exc.kind == "budget":
        result.status, result.error = "cancelled", exc.message
    elif isinstance(exc, CoreError):
        result.status, result.error = "failed", exc.message
    else:  # a row must never take the others down with it
        result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"[:300]
    return result


async def _one(engine: Engine, plan: RowPlan, index: int, row: Mapping[str, object]) -> RowResult:
    result = RowResult(index)
    try:
        done = await engine.complete(plan.template.messages(row))
    except Exception as exc:
        return _failure(result, exc)
    result.prompt_tokens, result.completion_tokens, result.latency = (
        done.prompt_tokens,
        done.completion_tokens,
        done.latency,
    )
    _judge(plan, result, done.text)
    return result


async def _pack(engine: Engine, plan: RowPlan, ids: list[int], rows: Sequence[Mapping[str, object]]) -> list[RowResult]:
    """Answer several rows in one request; rows without a trustworthy answer come back as 'pending'."""
    try:
        done = await engine.complete(
            pack_messages(plan.template, [(i, rows[i]) for i in ids]), response_format=response_format()
        )
        answers = parse_reply(done.text, ids)
    except Exception as exc:  # the rows are asked again one by one, where each can fail on its own
        if isinstance(exc, EngineError) and exc.kind == "budget":
            return [_failure(RowResult(i), exc) for i in ids]
        answers, done = {}, None
    share = len(answers) or 1
    out = []
    for i in ids:
        result = RowResult(i)
        if i in answers and done is not None:
            result.prompt_tokens, result.completion_tokens = (
                done.prompt_tokens // share,
                done.completion_tokens // share,
            )
            result.latency = done.latency
            _judge(plan, result, answers[i])
        out.append(result)
    return out


def _requests(
    rows: Sequence[Mapping[str, object]], plan: RowPlan, todo: list[int], pack: int
) -> tuple[list[list[int]], list[RowResult]]:
    """Rows grouped into requests of up to `pack` rows; blank rows are skipped, never sent."""
    blank = {i for i in todo if is_blank(plan.template, rows[i])}
    send = [i for i in todo if i not in blank]
    skipped = [RowResult(i, status="skipped", error="empty input, not sent") for i in todo if i in blank]
    size = max(1, pack)
    return [send[k : k + size] for k in range(0, len(send), size)], skipped


async def run_rows(
    rows: Sequence[Mapping[str, object]],
    plan: RowPlan,
    engine: Engine,
    *,
    concurrency: int = 8,
    only: Sequence[int] | None = None,
    pack: int = 1,
    on_result: OnResult | None = None,
    cancel: threading.Event | None = None,
    on_started: Callable[[], None] | None = None,
) -> list[RowResult]:
    """Answer each row (or only the given row numbers), `pack` rows per request; results in row order."""
    todo = list(range(len(rows)) if only is None else only)
    requests, skipped = _requests(rows, plan, todo, pack)
    queue: asyncio.Queue[list[int]] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    results: dict[int, RowResult] = {}

    def finish(result: RowResult) -> None:
        results[result.row] = result
        if on_result:
            on_result(result, len(results), len(todo))

    async def worker() -> None:
        while not queue.empty() and not (cancel and cancel.is_set()):
            request = queue.get_nowait()
            done = (
                [await _one(engine, plan, request[0], rows[request[0]])]
                if len(request) == 1
                else await _pack(engine, plan, request, rows)
            )
            for result in done:
                if result.status == "pending":
                    queue.put_nowait([result.row])  # asked again alone: no row is dropped or misattributed
                else:
                    finish(result)

    for result in skipped:
        finish(result)
    await _start_workers(worker, max(1, min(concurrency, len(requests) or 1)), on_started)
    for i in todo:
        results.setdefault(i, RowResult(i, status="cancelled", error="stopped before it was sent"))
    return [results[i] for i in todo]


async def _start_workers(
    worker: Callable[[], Awaitable[None]], count: int, on_started: Callable[[], None] | None
) -> None:
    """Run `count` workers to the end; `on_started` is called once all of them have begun."""
    workers: list[asyncio.Future] = []
    try:
        for _ in range(count):
            workers.append(asyncio.ensure_future(worker()))
            # One worker per turn of the loop: earlier workers' connections open and their requests leave while
            # later ones are still being built, so the first wave goes out (and comes back) spread, not as one burst.
            await asyncio.sleep(0)
        if on_started:
            on_started()
        await asyncio.gather(*workers)
    finally:
        for task in workers:
            task.cancel()  # a no-op for finished ones; none outlives the run when it is cancelled or fails


def run_rows_sync(rows: Sequence[Mapping[str, object]], plan: RowPlan, engine: Engine, **kwargs) -> list[RowResult]:
    """run_rows from synchronous code (CLI, Streamlit script thread); closes the engine after."""

    async def go() -> list[RowResult]:
        try:
            return await run_rows(rows, plan, engine, **kwargs)
        finally:
            await engine.aclose()

    return asyncio.run(go())


def request_groups(
    rows: Sequence[Mapping[str, object]], plan: RowPlan, todo: list[int], pack: int = 1
) -> tuple[list[list[int]], list[RowResult]]:
    """The requests a run would send (row numbers, `pack` per request) and the blank rows it skips."""
    return _requests(rows, plan, todo, pack)


def judge(plan: RowPlan, result: RowResult, text: str) -> None:
    """Fill a result from a model answer: ok, or review when a label task's answer is no label."""
    _judge(plan, result, text)
