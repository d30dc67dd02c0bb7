"""Summary: meeting minutes of the whole transcript, streamed as written, then edited and downloaded."""
import streamlit as st

from ui import summary
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
if summary.write_button(text):
    summary.write(text)
summary.problem()
summary.result()
