"""Summary: minutes of the whole transcript by map-reduce (or, offline, an extractive summary), streamed as written,
then checked against their sources, edited and downloaded."""
import streamlit as st

from ui import minutes, minutes_offline, minutes_view, summary
from ui.i18n import t
from ui.prompts import SUMMARY_TASK
from ui.shell import frame
from ui.upload import need_table

frame("summary", SUMMARY_TASK)
st.title(t("summary.title"))
st.caption(t("summary.intro"))
table = need_table()

text = summary.transcript(table)
summary.facts(text)
if summary.offline():
    minutes_offline.settings()
    if summary.write_button(text, summary.EXTRACT):
        minutes_offline.write(text)
else:
    minutes.settings(table)
    if summary.write_button(text, summary.MINUTES):
        minutes.write(table)
summary.problem()
minutes_view.result(table)
