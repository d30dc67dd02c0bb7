"""Rows: one prompt per row. Choose the task, check the messages and the quote, run, fix answers by hand,
re-run or resume what needs it, download."""

import streamlit as st

from ui import fillers, reopen, rerun, results, rows
from ui import run as runs
from ui import state as S
from ui.i18n import t
from ui.shell import frame
from ui.upload import need_table

frame("rows")
st.title(t("rows.title"))
reopen.offer()  # a run cut short, in this session or an earlier one
table = need_table()

rows.task_picker()
rows.template_editor(table)
rows.labels_editor()
fillers.editor()
plan = rows.checked_plan(table)
if plan is not None:
    rows.preview(plan, table)
    rows.quote(plan, table)
rows.run_button(plan, table)
rows.message()

if runs.pending():  # live() folds a finished run in and redraws the page
    results.live()
elif S.get(S.RUN) is not None:
    results.metrics()
    edited = results.editor()
    rerun.buttons()
    results.downloads(edited)
    results.label_chart(edited)
    results.details()
