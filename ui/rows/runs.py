"""Row runs of this session: start, stop, fold a finished job into the results, re-run or resume some rows.

Every run goes through core.rows.service.execute (in a core.jobs.rows.RowJob), so its results and the hand edits are
in the run store as well as here; RowRun.run_id names the run there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from core.engines.pricing import load_prices
from core.jobs.rows import RowJob, RowProgress, RowSnapshot
from core.loaders import Table
from core.rows.plan import RowPlan
from core.rows.results import RowResult, failed_rows, run_stats, unanswered_rows
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
LIVE_ROWS = 20  # rows the live table shows: the latest to finish


def pending() -> bool:
    """Whether a run was started and not yet folded into the results (it may have just finished)."""
    return S.row_job() is not None


def running() -> bool:
    """Whether a run of this session is still going."""
    job = S.row_job()
    return job is not None and job.running


def progress() -> RowProgress | None:
    """How far the current run is, if any (cheap at any size)."""
    job = S.row_job()
    return None if job is None else job.progress()


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
        asked_with={asked_with(setup)},
    )


def asked_with(setup: RunSetup) -> tuple:
    """What decides the rows' request keys (a little more: a change that does not matter costs a recount)."""
    return (hash(setup.plan), setup.settings, setup.options, setup.engine, S.upload().id)


def clear() -> None:
    """Forget results, edits and any run in progress (a new table makes them meaningless)."""
    stop()
    S.put(S.ROW_JOB, None)
    S.put(S.ROW_RUN, None)
    S.get(S.EDITS).clear()
    S.get(S.SELECTED).clear()
    S.get(S.MEMO).clear()
    S.put(S.RESULTS_WINDOW, None)
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
        run = new_run(plan, setup, row_job)
        S.put(S.ROW_RUN, run)
    elif run.asked_with is not None:
        run.asked_with.add(asked_with(setup))
    run.seen, run.recent = 0, []
    S.put(S.RESULTS_WINDOW, None)  # its pending edits are absorbed above; the re-run may replace some of them
    S.put(S.ROW_JOB, row_job.start())
    S.put(S.RUN_MESSAGE, None)


def stop() -> None:
    """Ask the current run to stop; what finished is kept."""
    job = S.row_job()
    if job is not None:
        job.cancel()


def fold_new() -> int:
    """Fold what the running job answered since the last look into the run shown; how many results were new."""
    job, run = S.row_job(), S.row_run()
    if job is None or run is None:
        return 0
    new, kinds = job.since(run.seen)
    if not new:
        return 0
    edits = S.get(S.EDITS)
    for result in new:
        run.results[result.row] = result
        run.failure_kinds.pop(result.row, None)
        if edits.pop(result.row, None) is not None:  # the store dropped it too: the new answer replaces the edit
            S.bump(S.EDITS_VERSION)
    run.failure_kinds.update(kinds)
    run.seen += len(new)
    run.version += 1
    run.recent = (run.recent + [r.row for r in new])[-LIVE_ROWS:]
    return len(new)


def collect() -> bool:
    """Fold a finished run into the results (once); True when something was folded."""
    job = S.row_job()
    if job is None or job.running:
        return False
    fold_new()
    snap, run = job.snapshot(), S.row_run()
    S.put(S.ROW_JOB, None)
    if run is None:
        return False
    run.budget = job.setup.options.budget or 0.0  # what the message says, even if the sidebar changes
    S.get(S.SELECTED).clear()  # the editor starts afresh below: its ticks go too
    S.put(S.RESULTS_WINDOW, None)
    S.bump(S.EDITOR_VERSION)
    S.put(S.RUN_MESSAGE, RunMessage(snapshot=snap))
    return True


def outcome(snap: RowSnapshot) -> tuple[str, str]:
    """How a finished run ended, in words: (error|warning|success, message)."""
    c = Counter(r.status for r in snap.results.values())
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


def reasons(
    res: Mapping[int, RowResult], kinds: Mapping[int, str], rows: Iterable[int] | None = None
) -> dict[int, str]:
    """A readable reason for every row (of `rows`, default all with a result) that has no plain answer."""
    out: dict[int, str] = {}
    for row in res if rows is None else rows:
        r = res.get(row)
        if r is None:
            continue
        if kinds.get(row) == BUDGET_KIND:
            out[row] = t("rows.reason_budget")
        elif r.status == "failed":
            out[row] = kind_text(kinds[row]) if row in kinds else r.error
        elif r.status in ("skipped", "cancelled", "review"):
            out[row] = t(f"status_reason.{r.status}")
    return out


def table_maker() -> Callable[[], pd.DataFrame]:
    """A function building the whole results table with hand edits as it stands now, to call later (a download
    builds it on click, in another thread): it holds copies, never session state."""
    run, df = S.row_run(), S.get(S.TABLE).df
    res, edits, output = dict(run.results), dict(S.get(S.EDITS)), run.output_column
    why = S.memo("rows.reasons", (run.run_id, run.version, S.get(S.LANG)), lambda: reasons(res, run.failure_kinds))
    return lambda: results_table(df, res.values(), output, edits, why)


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
    window = S.results_window()
    if window is None:
        return
    fold(S.widget_state(window.widget), run.output_column, edits, S.get(S.SELECTED), window.rows)
    changed = [row for row, text in edits.items() if before.get(row) != text]
    if changed:
        S.bump(S.EDITS_VERSION)
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
    n = len(table.df)
    if which in ("failed", "unanswered"):  # the results in session are the store's (folded in as saved)
        pick = failed_rows if which == "failed" else unanswered_rows
        rows = S.memo(f"rerun.{which}", (run.run_id, run.version, n), lambda: pick(run.results.values(), n))
        return [i for i in rows if i not in edited]
    setup = run_setup(prompts.plan(table.df, S.get(S.TEXT_COL)), table)
    if run.asked_with == {asked_with(setup)}:
        return []  # every answer was asked with this very setup: none changed (no need to recount 50,000 keys)
    # Not keyed by the edits: an edit must not ask the store again; edited rows are left out afterwards.
    key = (which, run.run_id, run.version, *asked_with(setup))
    rows = S.memo(f"rerun.{which}", key, lambda: rows_to_rerun(store(), run.run_id, setup, which, False))
    return [i for i in rows if i not in edited]
