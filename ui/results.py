"""The rows page's results: live progress while a run goes, then metrics, the editor, re-runs, downloads."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from core.export import to_csv_bytes, to_xlsx_bytes
from core.results import STATUSES, run_stats
from ui import run as runs
from ui import state as S
from ui.i18n import t
from ui.rows import start
from ui.table import SELECT, fingerprint, fold, label_counts, with_select

LIVE_EVERY = 0.5      # seconds between progress refreshes
LIVE_MAX = 1000       # rows drawn in the live table (past that, the latest finished ones)
EAGER_ROWS = 20_000   # larger tables build their XLSX when the button is clicked, not on every rerun


def status_label(status: str | None) -> str:
    """A status code in words."""
    return t(f"status.{status}") if status else t("status.none")


def columns_config(output_column: str) -> dict:
    """How the results columns look: the answer wide and editable, status in words."""
    return {
        SELECT: st.column_config.CheckboxColumn(t("rows.col_select"), help=t("rows.col_select_help"), width="small"),
        output_column: st.column_config.TextColumn(f"✏️ {output_column}", help=t("rows.col_output_help"),
                                                   width="large"),
        "status": st.column_config.SelectboxColumn(t("rows.col_status"), options=["", *STATUSES],
                                                   format_func=status_label, disabled=True, width="small"),
        "error": st.column_config.TextColumn(t("rows.col_error"), disabled=True, width="medium"),
    }


def column_order(table: pd.DataFrame, output_column: str) -> list[str]:
    """Inputs, then status right before the answer so both stay in view, then the reason."""
    ahead = [c for c in table.columns if c not in (output_column, "status", "error")]
    return [*ahead, "status", output_column, "error"]


@st.fragment(run_every=LIVE_EVERY)
def live() -> None:
    """Progress bar, Stop and the table filling in; redrawn on its own while the run goes."""
    snap = runs.snapshot()
    if snap is None or not snap.running:
        runs.collect()
        st.rerun()
    st.progress(snap.fraction, text=t("rows.progress", done=f"{snap.done:,}", total=f"{snap.total:,}"))
    st.button(t("rows.stop"), icon="⏹️", key="b.stop", on_click=runs.stop)
    table = runs.table_now()
    if len(table) > LIVE_MAX:
        done = sorted(snap.results)[-LIVE_MAX:]
        table = table.iloc[done]
    output = S.get(S.RUN)["output_column"]
    st.dataframe(table, column_config=columns_config(output), column_order=column_order(table, output),
                 width="stretch")


def metrics() -> None:
    """Tokens, latency and how the rows ended."""
    stats = run_stats(S.get(S.RUN)["results"].values())
    c = stats.counts
    cols = st.columns(6)
    cols[0].metric(t("rows.m_ok"), f"{c['ok']:,}")
    cols[1].metric(t("rows.m_review"), f"{c['review']:,}")
    cols[2].metric(t("rows.m_failed"), f"{c['failed'] + c['cancelled']:,}")
    split = t("rows.m_tokens_help", prompt=f"{stats.prompt_tokens:,}", completion=f"{stats.completion_tokens:,}")
    cols[3].metric(t("rows.m_tokens"), f"{stats.total_tokens:,}", help=split)
    cols[4].metric(t("rows.m_p50"), f"{stats.latency_p50:.2f}s")
    cols[5].metric(t("rows.m_p95"), f"{stats.latency_p95:.2f}s")


def editor() -> pd.DataFrame:
    """The results in an editor: only the answer (and the tick) can change; returns the edited table."""
    run, key = S.get(S.RUN), S.editor_key()
    fold(st.session_state.get(key), run["output_column"], S.get(S.EDITS), S.get(S.SELECTED))
    table = runs.table_now()
    view = with_select(table, S.get(S.SELECTED))
    locked = [c for c in view.columns if c not in (SELECT, run["output_column"])]
    st.data_editor(view, key=key, disabled=locked, column_config=columns_config(run["output_column"]),
                   column_order=column_order(view, run["output_column"]), num_rows="fixed", width="stretch",
                   height=min(38 + 35 * len(view), 560))
    st.caption(t("rows.edit_hint", edited=len(S.get(S.EDITS))))
    return table


def rerun_buttons() -> None:
    """Send again the ticked rows or the failed ones (with the current prompt)."""
    ticked, failed = sorted(S.get(S.SELECTED)), runs.failed_rows()
    allowed = runs.can_rerun() and not runs.running()
    left, right = st.columns(2)
    left.button(t("rows.rerun_selected", n=len(ticked)), icon="🔁", key="b.rerun_selected",
                disabled=not (allowed and ticked), on_click=start, args=(ticked,))
    right.button(t("rows.rerun_failed", n=len(failed)), icon="🩹", key="b.rerun_failed",
                 disabled=not (allowed and failed), on_click=start, args=(failed,))
    if not runs.can_rerun():
        st.caption(t("rows.rerun_other_task"))


def _export(fmt: str, table: pd.DataFrame):
    make = to_xlsx_bytes if fmt == "xlsx" else to_csv_bytes
    if fmt == "xlsx" and len(table) > EAGER_ROWS:
        frozen = table.copy()
        return lambda: make(frozen)  # built on click: a big workbook takes seconds
    return S.memo(f"export.{fmt}", fingerprint(table), lambda: make(table))


def downloads(table: pd.DataFrame) -> None:
    """CSV (UTF-8 with BOM, opens in Excel with Korean intact) and XLSX of the edited table."""
    stem = f"{Path(S.get(S.UPLOAD)['name']).stem}_{S.get(S.RUN)['output_column']}"
    left, right = st.columns(2)
    left.download_button(t("rows.download_csv"), _export("csv", table), file_name=f"{stem}.csv", mime="text/csv",
                         icon="⬇️", key="d.csv", on_click="ignore", width="stretch")
    right.download_button(t("rows.download_xlsx"), _export("xlsx", table), file_name=f"{stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          icon="⬇️", key="d.xlsx", on_click="ignore", width="stretch")


def label_chart(table: pd.DataFrame) -> None:
    """For label tasks: how many rows got each label (hand edits included)."""
    run = S.get(S.RUN)
    if not run["labels"]:
        return
    counts = label_counts(table[run["output_column"]], run["labels"], t("rows.other_label"))
    st.subheader(t("rows.label_chart"))
    st.bar_chart(counts.rename(t("rows.count")), horizontal=True, sort=False, height=60 + 32 * len(counts))
