"""History: this user's runs in the store. Reopen one on the Rows page, resume it, download it again, or delete it."""

import streamlit as st

from ui import batch, history
from ui.i18n import t
from ui.shell import open_page
from ui.workbench import runs as run_diff

open_page("history")
st.title(t("history.title"))
st.caption(t("history.intro"))
history.whose()
runs = history.listing()
if not runs:
    st.info(t("history.empty"), icon="🗂️")
    st.stop()

history.overview(runs)
run = history.picker(runs)
batch.panel(run.id)
history.open_buttons(run)
history.download_buttons(run)
history.delete(run)
run_diff.history_link(run)  # what changed since an earlier run of the same file
