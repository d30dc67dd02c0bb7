"""A try or a comparison on the sample: answers side by side with the differences marked, costs, picks, use one."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from core.cells import cell_text
from core.workbench.compare import VariantRun
from core.workbench.diff import diff_pieces, highlight
from ui import state as S
from ui.i18n import t
from ui.rows.quote import money
from ui.workbench import library
from ui.workbench.state import Trial, wb

STYLE = """<style>
.wb-diff del {background:#ffd7d5; color:#82071e; text-decoration:none; border-radius:2px}
.wb-diff ins {background:#ccffd8; color:#055d20; text-decoration:none; border-radius:2px}
.wb-diff {white-space:pre-wrap; line-height:1.6}
</style>"""


def current() -> Trial | None:
    """The last try or comparison, while it is of this table and task."""
    trial, upload = wb().trial, S.upload()
    if trial is None or upload is None or trial.upload_id != upload.id or trial.task != S.get(S.TASK):
        return None
    return trial


def stats_table(runs: list[VariantRun]) -> pd.DataFrame:
    """Per variant: what differs, tokens, cost and latency."""
    rows = []
    for run in runs:
        st_, v = run.stats, run.variant
        rows.append(
            {
                t("wb.col_variant"): v.label,
                t("wb.col_model"): f"{run.settings.model} · T={run.settings.temperature:g}",
                t("wb.col_system"): (v.system or "").splitlines()[0][:60] if v.system else "",
                t("wb.col_tokens"): st_.total_tokens,
                t("wb.col_cost"): money(run.cost),
                t("wb.col_latency"): f"{st_.latency_p50:.2f} s",
                t("wb.col_ok"): f"{st_.counts['ok']}/{len(run.results)}",
            }
        )
    return pd.DataFrame(rows)


def _use(index: int) -> None:
    trial = wb().trial
    run = trial.comparison.runs[index]
    v, task = run.variant, trial.task
    library.use_text(task, v.system or "", v.template)
    S.put(S.MODEL, run.settings.model)
    S.put(S.TEMPERATURE, run.settings.temperature)
    match = library.library().matching(v.system or "", v.template or "", task=task)
    if match is not None:
        wb().in_use[task] = (match.name, match.version)


def _pick(row: int) -> None:
    value = S.widget_state(f"w.wb.pick.{row}")
    picks = wb().trial.picks
    if value:
        picks[row] = value
    else:
        picks.pop(row, None)


def view(table_df: pd.DataFrame) -> None:
    """Draw the last try or comparison."""
    trial = current()
    if trial is None:
        return
    comp = trial.comparison
    text_col = S.get(S.TEXT_COL)
    texts = {i: cell_text(table_df.iloc[i][text_col]) if text_col in table_df.columns else "" for i in comp.rows}
    st.dataframe(stats_table(comp.runs), hide_index=True, width="stretch")
    if len(comp.runs) == 1:
        answers = comp.runs[0].answers()
        st.dataframe(
            pd.DataFrame(
                {"#": [i + 1 for i in comp.rows], text_col: [texts[i] for i in comp.rows], trial.output_column: answers}
            ),
            hide_index=True,
            width="stretch",
        )
        return
    changed = comp.changed()
    labelled = bool(comp.runs[0].plan.labels)  # agreement beyond chance means something for labels only
    cols = st.columns(4 if labelled else 2)
    cols[0].metric(t("wb.changed"), changed)
    cols[1].metric(t("wb.unchanged"), len(comp.rows) - changed)
    if labelled:
        agree = comp.agreement()
        cols[2].metric(t("wb.agreement"), f"{agree.rate:.0%}")
        cols[3].metric(t("wb.kappa"), "—" if agree.kappa is None else f"{agree.kappa:.2f}", help=t("wb.kappa_help"))
    left, right = st.columns(2)
    left.button(t("wb.use", label="A"), key="b.wb.use_a", on_click=_use, args=(0,), width="stretch", icon="✅")
    right.button(t("wb.use", label="B"), key="b.wb.use_b", on_click=_use, args=(1,), width="stretch", icon="✅")
    only = st.toggle(t("wb.only_changed"), key="w.wb.only_changed", value=True)
    rows_view(trial, texts, only)


def rows_view(trial: Trial, texts: dict[int, str], only_changed: bool) -> None:
    """Each row: its text, A and B with the differences marked, and a pick of the better answer."""
    comp = trial.comparison
    a, b = comp.runs[0].answers(), comp.runs[1].answers()
    same = comp.same()
    st.markdown(STYLE, unsafe_allow_html=True)
    head = st.columns([1, 4, 4, 4, 2])
    for col, label in zip(head, ["#", t("wb.col_text"), "A", "B", t("wb.pick")]):
        col.markdown(f"**{label}**")
    shown = 0
    for k, row in enumerate(comp.rows):
        if only_changed and same[k]:
            continue
        shown += 1
        left, right = diff_pieces(a[k], b[k])
        cols = st.columns([1, 4, 4, 4, 2])
        cols[0].markdown(f"{row + 1}")
        cols[1].markdown(f"<div class='wb-diff'>{html.escape(texts.get(row, ''))}</div>", unsafe_allow_html=True)
        cols[2].markdown(f"<div class='wb-diff'>{highlight(left, 'del')}</div>", unsafe_allow_html=True)
        cols[3].markdown(f"<div class='wb-diff'>{highlight(right, 'ins')}</div>", unsafe_allow_html=True)
        key = f"w.wb.pick.{row}"
        S.set_widget(key, trial.picks.get(row))
        cols[4].segmented_control(
            t("wb.pick"), ["A", "B"], key=key, on_change=_pick, args=(row,), label_visibility="collapsed"
        )
    if not shown:
        st.caption(t("wb.no_changes"))
    tally = {label: list(trial.picks.values()).count(label) for label in ("A", "B")}
    st.markdown(t("wb.tally", a=tally["A"], b=tally["B"], left=len(comp.rows) - len(trial.picks)))
