"""\"Learn from my corrections\": rows fixed by hand (in the table or the review queue) become few-shot examples."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from core.rows.plan import RowPlan
from core.rows.runner import table_rows
from core.workbench.examples import ExamplePicker, examples_from_rows
from ui import settings
from ui import state as S
from ui.i18n import t
from ui.workbench.state import wb


def corrections() -> dict[int, str]:
    """Row -> the answer the user gave: hand edits of the run shown (when it is this task's), then review decisions."""
    out: dict[int, str] = {}
    run, task = S.row_run(), S.get(S.TASK)
    if run is not None and (run.task or S.CUSTOM) == task:
        out |= {row: text for row, text in S.get(S.EDITS).items() if str(text).strip()}
    return out | wb().corrections


def picker(plan: RowPlan, df: pd.DataFrame) -> ExamplePicker | None:
    """The examples the user's corrections give for this plan (None when there are none)."""
    fixed = corrections()
    if not fixed:
        return None
    model = settings.model_settings().model
    upload = S.upload()
    key = (tuple(sorted(fixed.items())), plan.template.user, plan.text_column, model, upload.id if upload else "")

    def make() -> ExamplePicker | None:
        rows = table_rows(df, plan.text_column)
        keep = sorted(i for i in fixed if 0 <= i < len(rows))
        pool = examples_from_rows([rows[i] for i in keep], [fixed[i] for i in keep], plan.template)
        return ExamplePicker(pool, model=model) if pool else None

    return S.memo("examples", key, make)  # plan() runs several times a rerun; the pool's token counts once


def apply(plan: RowPlan, df: pd.DataFrame) -> RowPlan:
    """The plan sending the corrections as examples when "learn from my corrections" is on (as it was otherwise)."""
    if not wb().learn:
        return plan
    shots = picker(plan, df)
    if shots is None:
        return plan
    template = replace(plan.template, shots=shots)
    return replace(plan, template=template)


def _set(value: bool) -> None:
    wb().learn = bool(value)


def toggle(where: str, always_count: bool = True) -> None:
    """The "learn from my corrections" switch, with how many corrections there are.

    `always_count=False` where edits redraw only the results (the Rows page): the count shows while the switch is on,
    when each edit redraws the whole page anyway, and would lag behind the edits while it is off.
    """
    key = f"w.wb.learn.{where}"
    S.set_widget(key, wb().learn)
    st.toggle(
        t("wb.learn", n=len(corrections())) if always_count or wb().learn else t("wb.learn_plain"),
        key=key,
        on_change=lambda: _set(S.widget_state(key)),
        help=t("wb.learn_help"),
    )
