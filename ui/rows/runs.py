"""Row runs of this session: start, stop, fold a finished job into the results, re-run or resume some rows.

Every run goes through core.rows.service.execute (in a core.jobs.rows.RowJob), so its results and the hand edits are
in the run store as well as here; RowRun.run_id names the run there.
"""

from __future__ import annotations

import pandas as pd

from core.engines.pricing import load_prices
from core.jobs.rows import RowJob, RowSnapshot, unanswered
from core.loaders import Table
from core.rows.plan import RowPlan
from core.rows.results import RowResult, run_stats
from core.rows.service import RunSetup, rows_to_rerun
from ui import prompts, settings
from ui import state as S
from ui.errors import kind_text
from ui.i18n import t
from ui.owner import owner
from ui.rows.table import fold, results_table
from ui.state import RowRun, RunMessage
from ui.store import store

BUDGET_KIND = "budget"  # the failure kind of rows held back by the budget


def pending() -> bool:
    """Whether a run was started and not yet folded into the results (it may have just finished)."""
    return S.row_job() is not None


def running() -> bool:
    """Whether a run of this session is still going."""
    job = S.row_job()
    return job is not None and job.running


def snapshot() -> RowSnapshot | None:
    """Progress of the current run, if any."""
    job = S.row_job()
    return None if job is None else job.snapshot()


def run_setup(plan: RowPlan, table: Table, reuse_answers: bool = True) -> RunSetup:
    """The row run the CLI would do with this session's table, plan and settings."""
    return RunSetup(
        table.df,
        S.upload().name,
        plan,
        settings.model_settings(),
        settings.run_options(reuse_answers),
        settings.requested_engine(),
        owner(),
    )


def new_run(plan: RowPlan, setup: RunSetup, row_job: RowJob) -> RowRun:
    """A fresh run to show: its id in the store, what it answers, and how it was asked."""
    return RowRun(
        run_id=row_job.run_id,
        task=plan.task,
        output_column=plan.output_column,
        labels=tuple(plan.labels),
        model=setup.settings.model,
        engine=row_job.engine_name,
    )


def clear() -> None:
    """Forget results, edits and any run in progress (a new table makes them meaningless)."""
    stop()
    S.put(S.ROW_JOB, None)
    S.put(S.ROW_RUN, None)
    S.get(S.EDITS).clear()
    S.get(S.SELECTED).clear()
    S.get(S.MEMO).clear()
    S.bump(S.EDITOR_VERSION)


def start(only: list[int] | None = None, reuse_answers: bool = True) -> None:
    """Check the plan, then send all rows (a new run) or `only` these of the run shown; raises CoreError."""
    absorb_edits()
    table = S.get(S.TABLE)
    plan = prompts.plan(table.df, S.get(S.TEXT_COL))
    setup = run_setup(plan, table, reuse_answers)
    run = S.row_run() if only is not None else None
    row_job = RowJob(setup, store=store().path, run_id=run.run_id if run else None, only=only)
    if run is None:
        clear()
        S.put(S.ROW_RUN, new_run(plan, setup, row_job))
    S.put(S.ROW_JOB, row_job.start())
    S.put(S.RUN_MESSAGE, None)


def stop() -> None:
    """Ask the current run to stop; what finished is kept."""
    job = S.row_job()
    if job is not None:
        job.cancel()


def collect() -> bool:
    """Fold a finished run into the results (once); True when something was folded."""
    job = S.row_job()
    if job is None or job.running:
        return False
    snap, run = job.snapshot(), S.row_run()
    S.put(S.ROW_JOB, None)
    if run is None:
        return False
    run.results.update(snap.results)
    for row in snap.results:  # the store dropped these rows' edits too: the new answer replaces them
        run.failure_kinds.pop(row, None)
        S.get(S.EDITS).pop(row, None)
    run.failure_kinds.update(snap.kinds)
    run.budget = job.setup.options.budget or 0.0  # what the message says, even if the sidebar changes
    S.get(S.SELECTED).clear()  # the editor starts afresh below: its ticks go too
    S.bump(S.EDITOR_VERSION)
    S.put(S.RUN_MESSAGE, RunMessage(snapshot=snap))
    return True


def outcome(snap: RowSnapshot) -> tuple[str, str]:
    """How a finished run ended, in words: (error|warning|success, message)."""
    c = run_stats(snap.results.values()).counts
    failed = [kind for kind in snap.kinds.values() if kind != BUDGET_KIND]
    if snap.failure:
        return "error", t("rows.msg_failure", detail=snap.failure)
    if BUDGET_KIND in snap.kinds.values():
        held = sum(kind == BUDGET_KIND for kind in snap.kinds.values())
        return "warning", t("rows.msg_budget", held=held, total=snap.total, budget=f"{S.row_run().budget:.2f}")
    if failed:
        return "error", t(
            "rows.msg_failed",
            failed=c["failed"],
            total=snap.total,
            reason=kind_text(max(set(failed), key=failed.count)),
        )
    if c["cancelled"]:
        return "warning", t("rows.msg_stopped", done=snap.total - c["cancelled"], total=snap.total)
    if c["failed"]:
        return "warning", t("rows.msg_some_failed", failed=c["failed"], total=snap.total)
    return "success", t("rows.msg_done", total=snap.total, review=c["review"])


def results() -> dict[int, RowResult]:
    """Results so far: the finished ones, overlaid with a running job's progress."""
    run = S.row_run()
    merged = dict(run.results) if run else {}
    snap = snapshot()
    if snap is not None:
        merged.update(snap.results)
    return merged


def reasons(res: dict[int, RowResult], kinds: dict[int, str]) -> dict[int, str]:
    """A readable reason for every row that has no plain answer."""
    out: dict[int, str] = {}
    for row, r in res.items():
        if kinds.get(row) == BUDGET_KIND:
            out[row] = t("rows.reason_budget")
        elif r.status == "failed":
            out[row] = kind_text(kinds[row]) if row in kinds else r.error
        elif r.status in ("skipped", "cancelled", "review"):
            out[row] = t(f"status_reason.{r.status}")
    return out


def table_now() -> pd.DataFrame | None:
    """The results table with hand edits, as shown and downloaded (None before any run)."""
    run, table = S.row_run(), S.get(S.TABLE)
    if run is None or table is None:
        return None
    res = results()
    kinds = run.failure_kinds | (snapshot().kinds if running() else {})
    return results_table(table.df, res.values(), run.output_column, S.get(S.EDITS), reasons(res, kinds))


def cost() -> float | None:
    """What the run shown cost at standard prices (0 offline; None when the model has no known price)."""
    run = S.row_run()
    if run.engine != "openai":
        return 0.0
    stats = run_stats(run.results.values())
    return load_prices().cost(run.model, stats.prompt_tokens, stats.completion_tokens)


def absorb_edits() -> None:
    """Copy the results editor's pending changes into session state and save new hand edits in the store."""
    run = S.row_run()
    if run is None:
        return
    edits = S.get(S.EDITS)
    before = dict(edits)
    fold(S.widget_state(S.editor_key()), run.output_column, edits, S.get(S.SELECTED))
    changed = [row for row, text in edits.items() if before.get(row) != text]
    if changed and run.run_id is not None:
        held = store()
        for row in changed:
            held.save_edit(run.run_id, row, edits[row])


def can_rerun() -> bool:
    """Re-running rows only makes sense with the task and output column the results came from."""
    run, table = S.row_run(), S.get(S.TABLE)
    if run is None or table is None or run.run_id is None:
        return False
    try:
        plan = prompts.plan(table.df, S.get(S.TEXT_COL))
    except Exception:
        return False
    return plan.output_column == run.output_column


def rows_for(which: str) -> list[int]:
    """Rows a re-run would send: failed, changed (prompt or settings), selected or unanswered (resume).

    Hand-edited rows are left out unless the user ticked "replace my edits".
    """
    run, table = S.row_run(), S.get(S.TABLE)
    if not can_rerun():
        return []
    keep = not S.get(S.REPLACE_EDITS)
    edited = set(S.get(S.EDITS)) if keep else set()
    if which == "selected":
        return [i for i in sorted(S.get(S.SELECTED)) if i not in edited]
    setup = run_setup(prompts.plan(table.df, S.get(S.TEXT_COL)), table)
    key = (
        which,
        run.run_id,
        S.get(S.EDITOR_VERSION),
        tuple(sorted(edited)),
        hash(setup.plan),
        setup.settings,
        setup.options,
        setup.engine,
        S.upload().id,
    )
    if which == "unanswered":
        return S.memo(
            "rerun.unanswered",
            key,
            lambda: [i for i in unanswered(store(), run.run_id, len(table.df)) if i not in edited],
        )
    return S.memo(f"rerun.{which}", key, lambda: rows_to_rerun(store(), run.run_id, setup, which, keep))
