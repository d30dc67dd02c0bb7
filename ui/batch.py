"""Batch runs in the dashboard: the run mode and Submit on the Rows page; status, cancel and collect on History.

The batches live in the run store and on the service, not in this session: the browser may be closed meanwhile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.batch.ledger import Ledger, Part
from core.batch.route import BatchRun, begin, submit, transport_for
from core.batch.watch import cancel, refresh, setup_for_run
from core.errors import CoreError
from core.loaders import Table
from core.rows.plan import RowPlan
from ui import prompts, settings
from ui import state as S
from ui.errors import capture, show
from ui.i18n import t
from ui.owner import owner
from ui.rows.quote import money
from ui.rows.runs import run_setup
from ui.store import store

LIVE, BATCH = "live", "batch"
ENV_POLL = "TRANSCRIPT_STUDIO_BATCH_POLL"  # seconds between status checks on History (tests make it short)
DEFAULT_POLL = 15.0


@dataclass(frozen=True)
class BatchNote:
    """How the last Submit went: the run it made (and how many batches), or why it could not."""

    run_id: int | None = None
    batches: int = 0
    error: BaseException | None = None


def poll_seconds() -> float:
    """How often History asks the service about open batches."""
    try:
        return max(0.2, float(os.environ.get(ENV_POLL) or DEFAULT_POLL))
    except ValueError:
        return DEFAULT_POLL


def mode() -> str:
    """Live or batch: how Run sends the rows."""
    st.radio(
        t("batch.mode"),
        [LIVE, BATCH],
        format_func=lambda m: t(f"batch.mode_{m}"),
        horizontal=True,
        help=t("batch.mode_help"),
        **S.bind_key(S.RUN_MODE),
    )
    return S.get(S.RUN_MODE)


def quote_line() -> None:
    """The quote at batch prices (from the quote panel just drawn), beside the live price."""
    held = S.get(S.MEMO).get("quote")
    if held is not None:
        q = held[1][0]
        st.caption(t("batch.quote", batch=money(q.batch_cost), live=money(q.cost), requests=f"{q.requests:,}"))
    budget = settings.run_options().budget
    if budget:  # a batch cannot stop at a spend: say so rather than let the sidebar's budget look in force
        st.warning(t("batch.no_budget", budget=money(budget)), icon="⚠️")


def submit_button(plan: RowPlan | None, table: Table) -> None:
    """Submit every row as batches (disabled while the template has a problem), then say where to follow it."""
    st.button(
        t("batch.submit", n=f"{len(table.df):,}"),
        type="primary",
        icon="📦",
        key="b.batch_submit",
        disabled=plan is None,
        on_click=_submit,
    )
    note: BatchNote | None = S.get(S.BATCH_NOTE)
    if note is None:
        return
    if note.error is not None:
        show(note.error)
        return
    st.success(t("batch.submitted", id=note.run_id, n=note.batches), icon="📦")
    st.page_link("pages/history.py", label=t("batch.follow"), icon="🗂️")


def _submit() -> None:
    try:
        table = S.get(S.TABLE)
        setup = run_setup(prompts.plan(table.df, S.get(S.TEXT_COL)), table)
        transport = transport_for(setup.settings)  # no key and no endpoint: refused before anything is saved
        held = store()
        run_id, _ = begin(setup, held, owner=owner())
        try:
            made = submit(BatchRun(setup, held, run_id, transport))
        finally:
            transport.close()
        S.put(S.BATCH_NOTE, BatchNote(run_id=run_id, batches=len(made)))
        S.put(S.HISTORY_RUN, run_id)
    except Exception as exc:
        S.put(S.BATCH_NOTE, BatchNote(error=capture(exc)))


def is_batch(run_id: int) -> bool:
    """Whether a stored run went through the batch route."""
    return Ledger(store()).token(run_id) is not None


def waiting() -> set[int]:
    """This owner's batch runs whose batches are not all collected yet (not to be resumed live)."""
    ledger = Ledger(store())
    return {r for r in ledger.run_ids(owner()) if not ledger.is_done(r)}


def panel(run_id: int) -> None:
    """A batch run's batches with status, counts and ETA; refreshed on a timer while any is open."""
    if not is_batch(run_id):
        return
    if Ledger(store()).open_parts(run_id):
        st.fragment(run_every=poll_seconds())(_status)(run_id, True)
    else:
        _status(run_id, False)


def _run(run_id: int) -> BatchRun:
    setup = setup_for_run(store(), run_id, owner=owner(), base=settings.model_settings())
    return BatchRun(setup, store(), run_id, transport_for(setup.settings))


def _status(run_id: int, live: bool) -> None:
    parts = Ledger(store()).parts(run_id)
    if live:
        try:
            run = _run(run_id)
            try:
                parts = refresh(run)  # finished batches are collected into the store here
            finally:
                run.transport.close()
        except CoreError as exc:
            show(exc)
    with st.container(border=True):
        st.markdown(f"**{t('batch.title', id=run_id)}**")
        st.dataframe(_table(parts), hide_index=True, width="stretch")
        if any(p.collected is None for p in parts):
            st.caption(t("batch.waiting", s=f"{poll_seconds():g}"))
            st.button(t("batch.cancel"), icon="⏹️", key="b.batch_cancel", on_click=_cancel, args=(run_id,))
            return
        st.success(t("batch.done"), icon="✅")
        if live:  # it has just been collected: redraw the page (counts, downloads) without the timer
            st.rerun(scope="app")


def _table(parts: list[Part]) -> pd.DataFrame:
    def eta(p: Part) -> str:
        left = p.eta()
        return "—" if left is None else f"~{left / 60:.0f} min" if left >= 90 else f"~{left:.0f} s"

    return pd.DataFrame(
        {
            t("batch.c_part"): [p.part for p in parts],
            t("batch.c_batch"): [p.batch_id or "—" for p in parts],
            t("batch.c_status"): [t(f"batch.s_{p.status}") if p.status else "" for p in parts],
            t("batch.c_done"): [f"{p.completed:,} / {p.total:,}" for p in parts],
            t("batch.c_failed"): [p.failed for p in parts],
            t("batch.c_eta"): [eta(p) for p in parts],
            t("batch.c_collected"): ["✅" if p.collected else "" for p in parts],
        }
    )


def _cancel(run_id: int) -> None:
    try:
        run = _run(run_id)
        try:
            cancel(run)
        finally:
            run.transport.close()
    except CoreError as exc:
        S.put(S.BATCH_NOTE, BatchNote(error=capture(exc)))
