"""The results editor: a window of rows (search, status filter, pages) where answers are fixed and rows ticked.

Only the rows shown are built and sent to the browser, so an edit or a tick costs the same at 1,000 rows as at
50,000. The rows shown stay put until the search, the filter, the page or the results change: an edit that makes a
row stop matching the search does not move the rows under the user's cursor.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.rows.results import STATUSES
from ui import state as S
from ui.i18n import t
from ui.rows import runs
from ui.rows.columns import column_order, columns_config, status_label
from ui.rows.table import SELECT
from ui.rows.window import PAGE_ROWS, ResultsWindow, answers, matching, page_rows, pages, statuses, window_frame

EDITOR_HEIGHT = 560


def _matches(query: str, wanted: tuple[str, ...]) -> list[int]:
    """Rows matching the search and the filter (kept per results version, hand edits and search)."""
    run, df = S.row_run(), S.get(S.TABLE).df
    if not query.strip() and not wanted:
        return list(range(len(df)))
    key = (run.run_id, run.version, S.get(S.EDITS_VERSION), S.upload().id, query, wanted)

    def find() -> list[int]:
        n = len(df)
        shown = answers(run.results, S.get(S.EDITS), n) if query.strip() else [""] * n
        return matching(df, shown, statuses(run.results, n), query, wanted)

    return S.memo("rows.matches", key, find)


def window() -> ResultsWindow:
    """The rows to show: the same as last time while nothing that picks them changed, else picked again."""
    run = S.row_run()
    query, wanted, page = S.get(S.ROWS_QUERY), tuple(S.get(S.ROWS_STATUSES)), S.get(S.ROWS_PAGE)
    basis = (run.run_id, run.version, S.get(S.EDITOR_VERSION), S.upload().id, query, wanted, page)
    old = S.results_window()
    if old is not None and old.basis == basis:
        return old
    found = _matches(query, wanted)
    if old is not None and old.basis[4:6] != (query, wanted):
        page = 1  # a new search or filter starts at its first page
    page = min(max(1, page), pages(len(found)))
    S.put(S.ROWS_PAGE, page)
    basis = (*basis[:-1], page)
    shown = ResultsWindow(
        editor_version=S.get(S.EDITOR_VERSION),
        serial=0 if old is None else old.serial + 1,
        rows=tuple(page_rows(found, page)),
        basis=basis,
        matches=len(found),
        page=page,
    )
    S.put(S.RESULTS_WINDOW, shown)
    return shown


def _controls() -> None:
    left, right = st.columns([3, 2])
    left.text_input(t("rows.search"), help=t("rows.search_help"), **S.bind_key(S.ROWS_QUERY))
    right.multiselect(
        t("rows.filter_status"),
        ["", *STATUSES],
        format_func=status_label,
        help=t("rows.filter_status_help"),
        **S.bind_key(S.ROWS_STATUSES),
    )


def editor() -> None:
    """Search, filter, the page picker and the editor of the rows shown; edits and ticks land in session state."""
    run = S.row_run()
    runs.absorb_edits()  # the window shown last: its positions are what the widget's edits count
    _controls()
    shown = window()
    count = pages(shown.matches)
    if count > 1:
        st.number_input(t("rows.page"), 1, count, step=1, **S.bind_key(S.ROWS_PAGE))
    view = window_frame(
        S.get(S.TABLE).df,
        shown.rows,
        run.results,
        run.output_column,
        S.get(S.EDITS),
        runs.reasons(run.results, run.failure_kinds, shown.rows),
    )
    selected = S.get(S.SELECTED)
    view.insert(0, SELECT, pd.Series([i in selected for i in shown.rows], dtype=bool, index=view.index))
    locked = ["_index", *(c for c in view.columns if c not in (SELECT, run.output_column))]  # _index: row numbers
    st.data_editor(
        view,
        key=shown.widget,
        disabled=locked,
        column_config=columns_config(run.output_column),
        column_order=column_order(view, run.output_column),
        num_rows="fixed",
        width="stretch",
        height=min(38 + 35 * len(view), EDITOR_HEIGHT),
    )
    if shown.rows:
        first = (shown.page - 1) * PAGE_ROWS + 1
        where = t(
            "rows.window",
            first=f"{first:,}",
            last=f"{first + len(shown.rows) - 1:,}",
            matches=f"{shown.matches:,}",
            total=f"{len(S.get(S.TABLE).df):,}",
        )
    else:
        where = t("rows.window_none")
    st.caption(f"{where} {t('rows.edit_hint', edited=len(S.get(S.EDITS)))}")
