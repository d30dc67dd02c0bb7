"""Row runs of this session: start, stop, fold a finished job into the results, re-run some rows."""
from __future__ import annotations

import uuid
from typing import Any

import pandas as pd

from core.jobs import JobSnapshot, RowJob
from core.results import RowResult, run_stats
from core.runner import table_rows
from ui import config, prompts
from ui import state as S
from ui.errors import kind_text
from ui.i18n import t
from ui.table import frame


def pending() -> bool:
    """Whether a run was started and not yet folded into the results (it may have just finished)."""
    return S.get(S.JOB) is not None


def running() -> bool:
    """Whether a run of this session is still going."""
    job = S.get(S.JOB)
    return job is not None and job["job"].running


def snapshot() -> JobSnapshot | None:
    """Progress of the current run, if any."""
    job = S.get(S.JOB)
    return None if job is None else job["job"].snapshot()


def _new_run(plan) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "task": plan.task, "output_column": plan.output_column,
            "labels": tuple(plan.spec.labels), "results": {}, "kinds": {}}


def clear() -> None:
    """Forget results, edits and any run in progress (a new table makes them meaningless)."""
    stop()
    S.put(S.JOB, None)
    S.put(S.RUN, None)
    S.get(S.EDITS).clear()
    S.get(S.SELECTED).clear()
    S.get(S.MEMO).clear()
    S.bump(S.EDITOR_VERSION)


def start(only: list[int] | None = None) -> None:
    """Check the plan, then send the rows (all, or `only` these) in the background; raises CoreError."""
    table = S.get(S.TABLE)
    plan = prompts.plan(table.df, S.get(S.TEXT_COL))
    engine = config.engine_for(plan.task)
    rows = table_rows(table.df, plan.spec.text_column)
    if only is None:
        clear()
        S.put(S.RUN, _new_run(plan))
    job = RowJob(rows, plan.spec, engine, concurrency=int(S.get(S.CONCURRENCY)), only=only).start()
    S.put(S.JOB, {"job": job, "only": only})
    S.put(S.RUN_MESSAGE, None)


def stop() -> None:
    """Ask the current run to stop; what finished is kept."""
    job = S.get(S.JOB)
    if job is not None:
        job["job"].cancel()


def collect() -> bool:
    """Fold a finished run into the results (once); True when something was folded."""
    job = S.get(S.JOB)
    if job is None or job["job"].running:
        return False
    snap, run = job["job"].snapshot(), S.get(S.RUN)
    S.put(S.JOB, None)
    if run is None:
        return False
    run["results"].update(snap.results)
    for row in snap.results:
        run["kinds"].pop(row, None)
        S.get(S.EDITS).pop(row, None)
    run["kinds"].update(snap.kinds)
    S.get(S.SELECTED).clear()  # the editor starts afresh below: its ticks go too
    S.bump(S.EDITOR_VERSION)
    S.put(S.RUN_MESSAGE, ("finished", snap))
    return True


def outcome(snap: JobSnapshot) -> tuple[str, str]:
    """How a finished run ended, in words: (error|warning|success, message)."""
    results = list(snap.results.values())
    c = run_stats(results).counts
    if snap.failure:
        return "error", t("rows.msg_failure", detail=snap.failure)
    if snap.kinds:
        kind = max(set(snap.kinds.values()), key=list(snap.kinds.values()).count)
        return "error", t("rows.msg_failed", failed=c["failed"], total=snap.total, reason=kind_text(kind))
    if c["cancelled"]:
        return "warning", t("rows.msg_stopped", done=snap.total - c["cancelled"], total=snap.total)
    if c["failed"]:
        return "warning", t("rows.msg_some_failed", failed=c["failed"], total=snap.total)
    return "success", t("rows.msg_done", total=snap.total, review=c["review"])


def results() -> dict[int, RowResult]:
    """Results so far: the finished ones, overlaid with a running job's progress."""
    run = S.get(S.RUN)
    merged = dict(run["results"]) if run else {}
    snap = snapshot()
    if snap is not None:
        merged.update(snap.results)
    return merged


def reasons(res: dict[int, RowResult], kinds: dict[int, str]) -> dict[int, str]:
    """A readable reason for every row that has no plain answer."""
    out: dict[int, str] = {}
    for row, r in res.items():
        if r.status == "failed":
            out[row] = kind_text(kinds[row]) if row in kinds else r.error
        elif r.status in ("skipped", "cancelled", "review"):
            out[row] = t(f"status_reason.{r.status}")
    return out


def table_now() -> pd.DataFrame | None:
    """The results table with hand edits, as shown and downloaded (None before any run)."""
    run, table = S.get(S.RUN), S.get(S.TABLE)
    if run is None or table is None:
        return None
    res = results()
    kinds = run["kinds"] | (snapshot().kinds if running() else {})
    return frame(table.df, res.values(), run["output_column"], S.get(S.EDITS), reasons(res, kinds))


def failed_rows() -> list[int]:
    """Rows whose call failed or was stopped, in order."""
    run = S.get(S.RUN)
    if run is None:
        return []
    return sorted(r for r, res in run["results"].items() if res.status in ("failed", "cancelled"))


def can_rerun() -> bool:
    """Re-running rows only makes sense with the task and output column the results came from."""
    run, table = S.get(S.RUN), S.get(S.TABLE)
    if run is None or table is None:
        return False
    try:
        plan = prompts.plan(table.df, S.get(S.TEXT_COL))
    except Exception:
        return False
    return plan.output_column == run["output_column"]
