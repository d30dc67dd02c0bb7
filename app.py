"""Transcript Studio: `streamlit run app.py`. Page setup, the session's state, then the chosen page."""

from __future__ import annotations

import streamlit as st

from ui import state as S
from ui.errors import capture, show
from ui.i18n import browser_lang, t

st.set_page_config(page_title="Transcript Studio", page_icon="📝", layout="wide")
S.init(browser_lang())

page = st.navigation(
    [
        st.Page("pages/upload.py", title=t("nav.upload"), icon="📂", url_path="upload", default=True),
        st.Page("pages/rows.py", title=t("nav.rows"), icon="🧾", url_path="rows"),
        st.Page("pages/summary.py", title=t("nav.summary"), icon="📝", url_path="summary"),
        st.Page("pages/workbench.py", title=t("nav.workbench"), icon="🧪", url_path="workbench"),
        st.Page("pages/history.py", title=t("nav.history"), icon="🗂️", url_path="history"),
    ]
)
try:
    page.run()
except Exception as exc:  # the last line of defence: a plain message, never a traceback
    show(capture(exc))
