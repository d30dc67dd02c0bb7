"""Upload: pick a file (or a sample), check how it was read, say which column is the text."""

import streamlit as st

from ui import speakers
from ui import state as S
from ui import upload as up
from ui.i18n import t
from ui.shell import open_page

open_page("upload")
st.title(t("upload.title"))
st.caption(t("upload.intro"))
up.uploader()
up.sample_picker()
up.problem()

table = S.get(S.TABLE)
if table is None:
    st.info(t("upload.empty"), icon="📂")
    st.stop()

up.facts(table)
up.sheet_picker(table)
up.column_mapping(table)
up.preview(table)
speakers.names_editor(table)
left, right = st.columns(2)
left.page_link("pages/rows.py", label=t("upload.go_rows"), icon="🧾")
right.page_link("pages/summary.py", label=t("upload.go_summary"), icon="📝")
