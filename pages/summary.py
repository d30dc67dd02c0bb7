"""Summary: minutes of the whole transcript by map-reduce (or, offline, an extractive summary), streamed as written,
then checked against their sources, edited and downloaded."""

import streamlit as st

from ui import minutes, minutes_offline, minutes_view, summary
from ui.i18n import t
from ui.prompts import SUMMARY_TASK
from ui.shell import open_page
from ui.upload import need_table

open_page("summary", SUMMARY_TASK)
st.title(t("summary.title"))
st.caption(t("summary.intro"))
table = need_table()
minutes.collect()  # minutes that ended while the user was on another page

text = summary.transcript(table)
summary.facts(text)
offline = summary.offline()
if offline:
    minutes_offline.length_settings()
else:
    minutes.chunk_settings(table)
if minutes.pending():  # written in the background; live() folds the minutes in and redraws the page
    minutes.live()
elif offline:
    if summary.write_button(text, summary.EXTRACT):
        minutes_offline.write(text)
elif summary.write_button(text, summary.MINUTES):
    minutes.start(table)
    st.rerun()
summary.problem()
minutes_view.result(table)
