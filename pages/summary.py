"""Summary: minutes of the whole transcript by map-reduce (or, offline, an extractive summary), streamed as written,
then checked against their sources, edited and downloaded."""

import streamlit as st

from ui.i18n import t
from ui.minutes import held, offline, source, view, writing
from ui.prompts import MINUTES_TASK
from ui.shell import open_page
from ui.upload import need_table

open_page("summary", MINUTES_TASK)
st.title(t("summary.title"))
st.caption(t("summary.intro"))
table = need_table()
writing.collect()  # minutes that ended while the user was on another page

text = source.transcript(table)
source.facts(text)
no_model = source.offline()
if no_model:
    offline.length_settings()
else:
    writing.chunk_settings(table)
if writing.pending():  # written in the background; live() folds the minutes in and redraws the page
    writing.live()
elif no_model:
    if held.write_button(text, held.EXTRACT):
        offline.write(text)
elif held.write_button(text, held.MINUTES):
    writing.start(table)
    st.rerun()
held.problem()
view.result(table)
