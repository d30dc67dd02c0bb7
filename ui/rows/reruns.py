"""Second chances on the rows page: re-run the failed, ticked or changed rows, or resume a run cut short."""

from __future__ import annotations

import streamlit as st

from ui import state as S
from ui.i18n import t
from ui.rows import runs
from ui.rows.setup import start

# (which rows, icon, reuse stored answers): asking again for failed or ticked rows means a fresh answer, while
# a changed prompt that was answered before (changed back) costs nothing.
RERUNS = (("failed", "🩹", False), ("selected", "🔁", False), ("changed", "✏️", True))


def rerun(which: str, reuse_answers: bool) -> None:
    """Send those rows again (a button callback); the rows are worked out now, after the latest edits."""
    runs.absorb_edits()
    rows = runs.rows_for(which)
    if rows:
        start(rows, reuse_answers)


def buttons() -> None:
    """Keep or replace hand edits, then the re-run buttons and, for a run cut short, Resume."""
    allowed = runs.can_rerun() and not runs.running()
    st.checkbox(t("rows.replace_edits"), help=t("rows.replace_edits_help"), **S.bind_key(S.REPLACE_EDITS))
    cols = st.columns(len(RERUNS))
    for col, (which, icon, reuse) in zip(cols, RERUNS):
        n = len(runs.rows_for(which)) if allowed else 0
        col.button(
            t(f"rows.rerun_{which}", n=n),
            icon=icon,
            key=f"b.rerun_{which}",
            disabled=not n,
            on_click=rerun,
            args=(which, reuse),
            width="stretch",
        )
    missing = len(runs.rows_for("unanswered")) if allowed else 0
    if missing:
        st.button(
            t("rows.resume", n=missing),
            icon="⏯️",
            key="b.resume",
            type="primary",
            on_click=rerun,
            args=("unanswered", True),
            help=t("rows.resume_help"),
        )
    if not runs.can_rerun():
        st.caption(t("rows.rerun_other_task"))
