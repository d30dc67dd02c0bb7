"""A run beside an earlier run of the same file (from History): which answers the prompt change changed."""

from __future__ import annotations

import time

import streamlit as st

from core.workbench.runs import compare_runs, earlier_runs
from ui import state as S
from ui.i18n import t, task_title
from ui.owner import owner
from ui.store import store


def _label(info) -> str:
    when = time.strftime("%m-%d %H:%M", time.localtime(info.created))
    return f"#{info.id} · {info.file_name} · {task_title(info.task) if info.task != 'custom' else info.task} · {when}"


def panel() -> None:
    """Pick a run (the one picked on History, by default) and an earlier run of its file; see what changed."""
    runs = store().runs(owner=owner())
    if len(runs) < 2:
        st.info(t("wb.runs_need_two"), icon="🗂️")
        return
    by_id = {r.id: r for r in runs}
    ids = list(by_id)
    picked = S.get(S.HISTORY_RUN)
    new_id = st.selectbox(
        t("wb.runs_new"),
        ids,
        index=ids.index(picked) if picked in by_id else 0,
        format_func=lambda i: _label(by_id[i]),
        key="w.wb.runs_new",
    )
    earlier = earlier_runs(store(), by_id[new_id], owner())
    if not earlier:
        st.info(t("wb.runs_none_earlier"), icon="🗂️")
        return
    old_id = st.selectbox(
        t("wb.runs_old"), [r.id for r in earlier], format_func=lambda i: _label(by_id[i]), key="w.wb.runs_old"
    )
    diff = compare_runs(store(), old_id, new_id, owner())
    cols = st.columns(3)
    cols[0].metric(t("wb.changed"), diff.changed)
    cols[1].metric(t("wb.unchanged"), len(diff.frame) - diff.changed)
    kappa = diff.agreement.kappa
    cols[2].metric(t("wb.kappa"), "—" if kappa is None else f"{kappa:.2f}", help=t("wb.kappa_help"))
    if diff.prompt_diff:
        st.code(diff.prompt_diff, language="diff", wrap_lines=True)
    else:
        st.caption(t("wb.runs_same_prompt"))
    only = st.toggle(t("wb.only_changed"), value=True, key="w.wb.runs_only")
    frame = diff.frame[diff.frame["same"] == "no"] if only else diff.frame
    st.dataframe(frame, hide_index=True, width="stretch")


def history_link(info) -> None:
    """On History: a way to the Workbench's comparison of this run with an earlier run of its file."""
    earlier = earlier_runs(store(), info, owner())
    if earlier:
        st.page_link("pages/workbench.py", label=t("wb.runs_link", n=len(earlier)), icon="⚖️")
