"""Rows: one prompt per row. Choose the task, check the messages and the quote, run, fix answers by hand,
re-run or resume what needs it, download."""

import streamlit as st

from ui import batch
from ui import state as S
from ui.i18n import t
from ui.rows import editor, exports, fillers, quote, reopen, reruns, results, runs, setup
from ui.shell import open_page
from ui.upload import need_table

open_page("rows")
st.title(t("rows.title"))
reopen.offer()  # a run cut short, in this session or an earlier one
table = need_table()

setup.task_picker()
setup.template_editor(table)
setup.labels_editor()
fillers.editor()
plan = setup.checked_plan(table)
if plan is not None:
    setup.preview(plan, table)
    quote.panel(plan, table)
if batch.mode() == batch.BATCH:  # the rows go to the provider's Batch API; History follows and collects them
    batch.quote_line()
    batch.submit_button(plan, table)
else:
    setup.run_button(plan, table)
    setup.message()

if runs.pending():  # live() folds a finished run in and redraws the page
    results.live()
elif S.row_run() is not None:
    results.metrics()
    results.corrections(editor.editor, reruns.buttons, exports.download_buttons, results.label_chart)
    results.details()
