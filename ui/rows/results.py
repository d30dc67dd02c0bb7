"""The Rows page's results: live progress while a run goes, then metrics, the editor, downloads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from core.exports.subtitles import has_timings, to_srt, to_vtt
from core.exports.tables import to_csv_bytes, to_xlsx_bytes
from core.rows.results import STATUSES, run_stats
from ui import downloads
from ui import state as S
from ui.i18n import t
from ui.rows import runs
from ui.rows.quote import money
from ui.rows.table import SELECT, fingerprint, label_counts, latency_histogram, row_details, with_select

LIVE_EVERY = 0.5  # seconds between progress refreshes
LIVE_MAX = 1000  # rows drawn in the live table (past that, the latest finished ones)
EAGER_ROWS = 20_000  # larger tables build their XLSX when the button is clicked, not on every rerun


def status_label(status: str | None) -> str:
    """A status code in words."""
    return t(f"status.{status}") if status else t("status.none")


def columns_config(output_column: str) -> dict:
    """How the results columns look: the answer wide and editable, status in words."""
    return {
        SELECT: st.column_config.CheckboxColumn(t("rows.col_select"), help=t("rows.col_select_help"), width="small"),
        output_column: st.column_config.TextColumn(f"✏️ {output_column}", help=t("rows.col_output_help"), width="large"),
        "status": st.column_config.SelectboxColumn(
            t("rows.col_status"), options=["", *STATUSES], format_func=status_label, disabled=True, width="small"
        ),
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
    output = S.row_run().output_column
    st.dataframe(table, column_config=columns_config(output), column_order=column_order(table, output), width="stretch")


def metrics() -> None:
    """How the rows ended, then tokens, cost and latency."""
    stats = run_stats(S.row_run().results.values())
    c = stats.counts
    cols = st.columns(3)
    cols[0].metric(t("rows.m_ok"), f"{c['ok']:,}")
    cols[1].metric(t("rows.m_review"), f"{c['review']:,}")
    cols[2].metric(t("rows.m_failed"), f"{c['failed'] + c['cancelled']:,}")
    cols = st.columns(4)
    split = t("rows.m_tokens_help", prompt=f"{stats.prompt_tokens:,}", completion=f"{stats.completion_tokens:,}")
    cols[0].metric(t("rows.m_tokens"), f"{stats.total_tokens:,}", help=split)
    cols[1].metric(t("rows.m_cost"), money(runs.cost()), help=t("rows.m_cost_help"))
    cols[2].metric(t("rows.m_p50"), f"{stats.latency_p50:.2f}s")
    cols[3].metric(t("rows.m_p95"), f"{stats.latency_p95:.2f}s")


def details() -> None:
    """Per-row tokens and latency: a histogram of response times and the numbers row by row."""
    rows = row_details(S.row_run().results.values())
    if rows.empty:
        return
    with st.expander(t("rows.details")):
        hist = latency_histogram(rows["latency_s"])
        st.bar_chart(
            hist.rename(t("rows.count")),
            x_label=t("rows.latency_axis"),
            y_label=t("rows.count"),
            sort=False,
            height=220,
        )
        st.dataframe(
            rows.rename(
                columns={
                    "row": t("rows.d_row"),
                    "prompt_tokens": t("rows.d_prompt"),
                    "completion_tokens": t("rows.d_completion"),
                    "latency_s": t("rows.d_latency"),
                }
            ),
            hide_index=True,
            width="stretch",
            height=min(38 + 35 * len(rows), 320),
        )


def editor() -> pd.DataFrame:
    """The results in an editor: only the answer (and the tick) can change; returns the edited table."""
    run, key = S.row_run(), S.editor_key()
    runs.absorb_edits()
    table = runs.table_now()
    view = with_select(table, S.get(S.SELECTED))
    locked = [c for c in view.columns if c not in (SELECT, run.output_column)]
    st.data_editor(
        view,
        key=key,
        disabled=locked,
        column_config=columns_config(run.output_column),
        column_order=column_order(view, run.output_column),
        num_rows="fixed",
        width="stretch",
        height=min(38 + 35 * len(view), 560),
    )
    st.caption(t("rows.edit_hint", edited=len(S.get(S.EDITS))))
    return table


def _export(fmt: str, table: pd.DataFrame):
    make = to_xlsx_bytes if fmt == "xlsx" else to_csv_bytes
    if fmt == "xlsx" and len(table) > EAGER_ROWS:
        frozen = table.copy()
        return lambda: make(frozen)  # built on click: a big workbook takes seconds
    return S.memo(f"export.{fmt}", fingerprint(table), lambda: make(table))


def download_buttons(table: pd.DataFrame) -> None:
    """CSV (UTF-8 with BOM, opens in Excel with Korean intact) and XLSX of the edited table; subtitles if timed."""
    stem = f"{Path(S.upload().name).stem}_{S.row_run().output_column}"
    subtitles = _subtitles(table)
    left, right, *more = st.columns(4 if subtitles else 2)
    downloads.table_pair((left, right), stem, _export("csv", table), _export("xlsx", table), key="")
    for column, (fmt, data) in zip(more, subtitles.items()):
        downloads.button(
            column,
            t(f"rows.download_{fmt}"),
            data,
            f"{stem}.{fmt}",
            f"d.{fmt}",
            "🎬",
            help=t("rows.download_subtitles_help"),
        )


def _subtitles(table: pd.DataFrame) -> dict[str, bytes]:
    """.srt and .vtt of the answers (hand edits included) at the original times, when every row has times."""
    output, speaker = S.row_run().output_column, S.get(S.SPEAKER_COL)
    if not has_timings(S.get(S.TABLE).df) or not table[output].astype(str).str.strip().any():
        return {}
    speaker = speaker if speaker in table.columns else None
    key = (fingerprint(table), speaker)
    return {
        "srt": S.memo("export.srt", key, lambda: to_srt(table, output).encode("utf-8")),
        "vtt": S.memo("export.vtt", key, lambda: to_vtt(table, output, speaker).encode("utf-8")),
    }


def label_chart(table: pd.DataFrame) -> None:
    """For label tasks: how many rows got each label (hand edits included)."""
    run = S.row_run()
    if not run.labels:
        return
    counts = label_counts(table[run.output_column], run.labels, t("rows.other_label"))
    st.subheader(t("rows.label_chart"))
    st.bar_chart(counts.rename(t("rows.count")), horizontal=True, sort=False, height=60 + 32 * len(counts))
