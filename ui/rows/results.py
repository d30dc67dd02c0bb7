"""The Rows page's results: live progress while a run goes, then metrics, the per-row details, the label chart.

While a run goes only what changed is folded in and only the latest rows are drawn; the derived values (totals,
details, label counts) are kept per results version and recomputed only when results or hand edits change.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.rows.results import run_stats
from ui import state as S
from ui.i18n import t
from ui.rows import runs
from ui.rows.columns import column_order, columns_config
from ui.rows.quote import money
from ui.rows.table import label_counts, latency_histogram, row_details
from ui.rows.window import answers, window_frame
from ui.workbench.state import wb

LIVE_EVERY = 0.5  # seconds between progress refreshes


@st.fragment(run_every=LIVE_EVERY)
def live() -> None:
    """Progress bar, Stop and the latest rows to finish; redrawn on its own while the run goes."""
    progress = runs.progress()
    runs.fold_new()
    if progress is None or not progress.running:
        runs.collect()
        st.rerun()
    st.progress(progress.fraction, text=t("rows.progress", done=f"{progress.done:,}", total=f"{progress.total:,}"))
    st.button(t("rows.stop"), icon="⏹️", key="b.stop", on_click=runs.stop)
    run = S.row_run()
    latest = run.recent[::-1]
    if latest:
        why = runs.reasons(run.results, run.failure_kinds, latest)
        df = S.get(S.TABLE).df
        table = window_frame(df, latest, run.results, run.output_column, S.get(S.EDITS), why)
        st.caption(t("rows.live_latest", n=len(latest)))
        st.dataframe(
            table,
            column_config=columns_config(run.output_column),
            column_order=column_order(table, run.output_column),
            width="stretch",
        )


@st.fragment
def corrections(*parts: Callable[[], None]) -> None:
    """What an edit or a tick changes (the editor, re-run buttons, downloads, label counts), rerun on its own.

    At 50,000 rows a whole-page rerun took the browser about a second to redraw after an edit; this part alone, 0.3 s.
    """
    edits = S.get(S.EDITS_VERSION)
    for part in parts:
        part()
    # A re-run button started a run, or "learn from my corrections" has new examples: the whole page follows.
    if runs.pending() or (wb().learn and S.get(S.EDITS_VERSION) != edits):
        st.rerun()


def _stats():
    run = S.row_run()
    return S.memo("rows.stats", (run.run_id, run.version), lambda: run_stats(run.results.values()))


def metrics() -> None:
    """How the rows ended, then tokens, cost and latency."""
    stats = _stats()
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
    run = S.row_run()
    rows = S.memo("rows.details", (run.run_id, run.version), lambda: row_details(run.results.values()))
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
            lazy=True,  # rows are sent as they are scrolled to: 50,000 of them would go with every rerun
        )


def label_chart() -> None:
    """For label tasks: how many rows got each label (hand edits included)."""
    run = S.row_run()
    if not run.labels:
        return
    n = len(S.get(S.TABLE).df)
    key = (run.run_id, run.version, S.get(S.EDITS_VERSION), S.upload().id, run.labels, S.get(S.LANG))
    counts = S.memo(
        "rows.labels",
        key,
        lambda: label_counts(answers(run.results, S.get(S.EDITS), n), run.labels, t("rows.other_label")),
    )
    st.subheader(t("rows.label_chart"))
    st.bar_chart(counts.rename(t("rows.count")), horizontal=True, sort=False, height=60 + 32 * len(counts))
