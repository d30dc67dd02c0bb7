"""The History page's parts: the runs in the store, one picked, reopened, resumed, downloaded or deleted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from core.engines.pricing import load_prices
from core.exports.tables import to_csv_bytes, to_xlsx_bytes
from core.jobs.rows import interrupted, unanswered
from core.rows.results import results_frame
from core.rows.tasks import load_tasks
from core.store import RunInfo
from ui import batch, downloads
from ui import state as S
from ui.i18n import t, task_title
from ui.owner import owner, owner_kind
from ui.rows import reopen, runs
from ui.rows.quote import money
from ui.rows.table import fingerprint
from ui.store import store


def listing() -> list[RunInfo]:
    """This session's owner's runs in the store, newest first."""
    return store().runs(owner=owner())


def whose() -> None:
    """One line saying whose runs are listed, with how a shared server keeps people apart."""
    st.caption(t(f"history.owner_{owner_kind()}"), help=t("history.owner_help"))


def cost(info: RunInfo) -> float | None:
    """What a run cost: as recorded when it finished, else priced from its tokens so far (offline: nothing)."""
    if info.engine != "openai":
        return 0.0
    if info.cost is not None:
        return info.cost
    return load_prices().cost(info.model, info.prompt_tokens, info.completion_tokens)


def _task(name: str) -> str:
    return task_title(name) if name in load_tasks() else t("task.custom")


def overview(infos: list[RunInfo]) -> None:
    """One line per run: when, file, task, model, how the rows ended, tokens, cost and whether it finished."""
    waiting = batch.waiting()
    cut_short = {r.id for r in interrupted(store(), limit=len(infos), owner=owner())} - waiting
    table = pd.DataFrame(
        {
            t("history.c_id"): [r.id for r in infos],
            t("history.c_when"): [reopen.when(r) for r in infos],
            t("history.c_file"): [r.file_name for r in infos],
            t("history.c_task"): [_task(r.task) for r in infos],
            t("history.c_model"): [r.model for r in infos],
            t("history.c_rows"): [r.rows for r in infos],
            t("history.c_ok"): [r.ok for r in infos],
            t("history.c_failed"): [r.failed for r in infos],
            t("history.c_tokens"): [r.prompt_tokens + r.completion_tokens for r in infos],
            t("history.c_cost"): [money(cost(r)) for r in infos],
            t("history.c_state"): [_state(r.id, waiting, cut_short) for r in infos],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 420))


def _state(run_id: int, waiting: set[int], cut_short: set[int]) -> str:
    if run_id in waiting:
        return t("batch.state")
    return t("history.cut_short" if run_id in cut_short else "history.complete")


def picker(infos: list[RunInfo]) -> RunInfo:
    """Which run the buttons below act on (the newest at first)."""
    by_id = {r.id: r for r in infos}
    if S.get(S.HISTORY_RUN) not in by_id:
        S.put(S.HISTORY_RUN, infos[0].id)
    names = {r.id: f"#{r.id} · {r.file_name} · {_task(r.task)} · {reopen.when(r)}" for r in infos}
    st.selectbox(t("history.pick"), list(by_id), format_func=names.get, **S.bind_key(S.HISTORY_RUN))
    return by_id[S.get(S.HISTORY_RUN)]


def open_buttons(info: RunInfo) -> None:
    """Reopen the run on the Rows page, or resume it when rows are still without an answer."""
    busy = runs.running()
    missing = bool(unanswered(store(), info.id, info.rows)) and info.id not in batch.waiting()
    left, right = st.columns(2)
    if left.button(
        t("history.reopen"), icon="🧾", key="b.reopen", disabled=busy, width="stretch", help=t("history.reopen_help")
    ) and reopen.reopen(info.id):
        st.switch_page("pages/rows.py")
    if right.button(
        t("history.resume_run"),
        icon="⏯️",
        key="b.resume_run",
        disabled=busy or not missing,
        width="stretch",
        help=t("history.resume_help"),
    ) and reopen.resume(info.id):
        st.switch_page("pages/rows.py")
    if busy:
        st.caption(t("history.busy"))


def download_buttons(info: RunInfo) -> None:
    """The run's table again: input columns, the answers (hand edits included), status and error."""
    held = store()
    table = results_frame(held.run_input(info.id, owner=owner()), held.results(info.id), info.output_column)
    key = (info.id, fingerprint(table))
    stem = f"{Path(info.file_name).stem}_{info.output_column}_{info.id}"
    csv = S.memo("history.csv", key, lambda: to_csv_bytes(table))
    xlsx = S.memo("history.xlsx", key, lambda: to_xlsx_bytes(table))
    downloads.table_pair(st.columns(2), stem, csv, xlsx, key="history_")


def delete(info: RunInfo) -> None:
    """Delete, after a second click that names the run; answers stay stored, so running it again is free."""
    shown = S.row_run()
    live = runs.running() and shown is not None and shown.run_id == info.id
    if S.get(S.CONFIRM_DELETE) != info.id:
        st.button(
            t("history.delete"),
            icon="🗑️",
            key="b.delete",
            disabled=live,
            on_click=S.put,
            args=(S.CONFIRM_DELETE, info.id),
        )
        return
    st.warning(t("history.confirm", id=info.id, file=info.file_name), icon="🗑️")
    left, right = st.columns(2)
    left.button(
        t("history.delete_yes"), key="b.delete_yes", type="primary", on_click=_forget, args=(info.id,), width="stretch"
    )
    right.button(
        t("history.delete_no"), key="b.delete_no", on_click=S.put, args=(S.CONFIRM_DELETE, None), width="stretch"
    )


def _forget(run_id: int) -> None:
    store().delete_run(run_id, owner=owner())
    shown = S.row_run()
    if shown is not None and shown.run_id == run_id:  # the results shown here belonged to it: they go too
        runs.clear()
    S.put(S.CONFIRM_DELETE, None)
    S.put(S.HISTORY_RUN, None)
