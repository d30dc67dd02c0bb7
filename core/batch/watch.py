"""Waiting on submitted batches, collecting the finished ones, cancelling; a run rebuilt from the store."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

from core.batch.collect import read_results
from core.batch.ledger import Part
from core.batch.route import ENGINE, BatchRun
from core.engines.layers import RunOptions
from core.engines.pricing import load_prices
from core.rows.plan import row_plan
from core.rows.results import RowResult, run_stats
from core.rows.service import RunSetup
from core.settings import ModelSettings
from core.store import LOCAL, Store

OnStatus = Callable[[list[Part]], None]
FIRST_POLL, MAX_POLL = 1.0, 60.0  # without --poll: quick at first, then backing off to once a minute


def refresh(run: BatchRun) -> list[Part]:
    """Ask the service about every open batch, save what it says and collect those that have ended."""
    ledger = run.ledger
    for part in ledger.open_parts(run.run_id):
        if part.batch_id is None:
            continue
        ledger.update(run.run_id, part.part, run.transport.retrieve(part.batch_id))
        fresh = next(p for p in ledger.parts(run.run_id) if p.part == part.part)
        if fresh.finished:
            collect_part(run, fresh)
    if not ledger.open_parts(run.run_id) and not ledger.is_done(run.run_id):
        finish(run)
    return ledger.parts(run.run_id)


def collect_part(run: BatchRun, part: Part) -> None:
    """Read an ended batch's output and error files into the store, fail what it left unanswered, delete files."""
    keys, wanted, seen = run.keys(), set(part.rows), set()
    for file_id in (part.output_file, part.error_file):
        if file_id:
            lines = run.transport.lines(file_id)
            seen |= read_results(
                lines, run_id=run.run_id, plan=run.setup.plan, store=run.store, keys=keys, wanted=wanted
            ).seen
    missing = sorted(wanted - seen)
    if part.status != "failed":  # a batch refused at validation leaves its rows unanswered, to be sent again
        reason = (
            f"The batch {part.status} before this row was answered"
            if part.status in ("expired", "cancelled")
            else "The batch output has no line for this row"
        )
        for i in missing:
            run.store.save_result(run.run_id, RowResult(i, status="failed", error=reason))
    for file_id in (part.input_file, part.output_file, part.error_file):
        if file_id:
            run.transport.delete(file_id)
    run.ledger.collected(run.run_id, part.part)


def finish(run: BatchRun) -> None:
    """Mark the run done, with its cost at batch prices."""
    prices = load_prices()
    stats = run_stats(run.store.results(run.run_id))
    cost = prices.cost(run.setup.settings.model, stats.prompt_tokens, stats.completion_tokens)
    run.store.finish_run(run.run_id, None if cost is None else cost * prices.batch_discount)
    run.ledger.finish(run.run_id)


def watch(
    run: BatchRun,
    *,
    poll: float | None = None,
    wait: bool = True,
    on_status: OnStatus | None = None,
    stop: threading.Event | None = None,
) -> list[Part]:
    """Refresh until every batch has ended and been collected (once when not waiting, or until `stop` is set)."""
    delay = poll or FIRST_POLL
    while True:
        parts = refresh(run)
        if on_status:
            on_status(parts)
        if not any(p.collected is None for p in parts) or not wait:
            return parts
        if stop is not None:
            if stop.wait(delay):
                return parts
        else:
            time.sleep(delay)
        delay = poll or min(MAX_POLL, delay * 1.5)


def cancel(run: BatchRun) -> list[Part]:
    """Ask the service to stop every open batch of the run; answers so far are kept when they are collected."""
    for part in run.ledger.open_parts(run.run_id):
        if part.batch_id and not part.finished:
            run.ledger.update(run.run_id, part.part, run.transport.cancel(part.batch_id))
    return run.ledger.parts(run.run_id)


def results(run: BatchRun) -> list[RowResult]:
    """Every row's result; rows without one say why (refused, still in a batch, or not sent)."""
    by_row = {r.row: r for r in run.store.results(run.run_id)}
    why: dict[int, str] = {}
    for part in run.ledger.parts(run.run_id):
        if part.status == "failed":
            reason = f"not answered: the service refused batch {part.batch_id} ({part.errors or 'no reason given'})"
        elif part.collected is None:
            reason = f"not answered yet: batch {part.batch_id} is {part.status}"
        else:
            continue
        why |= dict.fromkeys(part.rows, reason)
    out = []
    for i in range(len(run.setup.df)):
        if i in by_row and by_row[i].status:
            out.append(by_row[i])
        else:
            out.append(RowResult(i, status="cancelled", error=why.get(i, "not sent")))
    return out


def setup_for_run(
    store: Store, run_id: int, *, owner: str = LOCAL, base_url: str | None = None, base: ModelSettings | None = None
) -> RunSetup:
    """A stored run's setup, rebuilt from its input and settings; `base` gives endpoint and key (KeyError: no run)."""
    info = store.run(run_id, owner=owner)
    if info is None:
        raise KeyError(run_id)
    df = store.run_input(run_id, owner=owner)
    labels = info.params.get("labels") or None
    plan = row_plan(
        task=None if info.task == "custom" else info.task,
        template=info.template,
        system=info.system,
        labels=labels,
        text_column=info.text_column or None,
        output_column=info.output_column,
    )
    if info.params.get("examples"):  # the few-shot pool the run was asked with: its answers' keys include them
        from core.workbench.examples import shots_from_params

        shots = shots_from_params(info.params["examples"], info.model)
        plan = replace(plan, template=replace(plan.template, shots=shots))
    settings = replace(
        base or ModelSettings(base_url=base_url),
        model=info.model,
        temperature=float(info.params.get("temperature", 0.2)),
        max_tokens=int(info.params.get("max_tokens", 1024)),
    )
    options = RunOptions(pack=int(info.params.get("pack") or 1))
    return RunSetup(df, info.file_name, plan, settings, options, ENGINE, owner)
