"""Workbench: keep named prompt versions, try the prompt on a sample, compare two variants, learn from corrections,
review disputed labels, and see what changed since an earlier run."""

import streamlit as st

from ui import state as S
from ui.i18n import t
from ui.shell import open_page
from ui.upload import need_table
from ui.workbench import library, results, review, runs, trial

open_page("workbench")
st.title(t("wb.title"))
st.caption(t("wb.intro"))
try_tab, prompts_tab, review_tab, runs_tab = st.tabs(
    [t("wb.tab_try"), t("wb.tab_prompts"), t("wb.tab_review"), t("wb.tab_runs")]
)
with prompts_tab:
    library.panel(S.get(S.TASK))
with runs_tab:
    runs.panel()
with review_tab:
    review.panel()
with try_tab:  # last: without a table it points to Upload and stops the page
    table = need_table()
    trial.panel(table)
    results.view(table.df)
