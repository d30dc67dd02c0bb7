"""The Rows page's setup: task, template, labels, the dry-run preview, the Run button and how the last run went."""

from __future__ import annotations

import streamlit as st

from core.errors import CoreError
from core.loaders import Table
from core.rows.plan import RowPlan
from core.rows.runner import table_rows
from ui import prompts
from ui import state as S
from ui.errors import capture, show
from ui.i18n import t, task_title
from ui.rows import runs
from ui.state import RunMessage

PREVIEW_ROWS = 3


def task_picker() -> None:
    """Which preset (titles in both languages) or a custom template."""
    titles = {name: task_title(name, both=True) for name in prompts.task_names()}
    st.selectbox(t("rows.task"), list(titles), format_func=titles.get, help=t("rows.task_help"), **S.bind_key(S.TASK))


def template_editor(table: Table) -> None:
    """The user template, with the {placeholders} this table offers."""
    name = S.get(S.TASK)
    st.text_area(
        t("rows.template"),
        height=90,
        help=t("rows.template_help"),
        **S.bind(f"w.template.{name}", prompts.template_text(name), lambda v: prompts.set_template(name, v)),
    )
    names = prompts.placeholders(list(table.df.columns), S.get(S.TEXT_COL))
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.caption(t("rows.placeholders", names="  ".join(f"`{{{n}}}`" for n in names), text=S.get(S.TEXT_COL)))
    right.button(
        t("rows.template_reset"),
        icon="↩️",
        key="b.reset_template",
        on_click=prompts.reset_template,
        args=(name,),
        disabled=name not in S.get(S.TEMPLATES),
        width="stretch",
    )
    if name == S.CUSTOM:
        st.text_input(t("rows.output_column"), help=t("rows.output_column_help"), **S.bind_key(S.CUSTOM_OUTPUT))


def labels_editor() -> None:
    """For label tasks: the labels the model must choose from (add, remove)."""
    name = S.get(S.TASK)
    task = prompts.preset(name)
    if task is None or task.kind != "label":
        return
    current = prompts.labels(name)
    st.multiselect(
        t("rows.labels"),
        list(dict.fromkeys([*task.labels, *current])),
        accept_new_options=True,
        help=t("rows.labels_help"),
        **S.bind(f"w.labels.{name}", current, lambda v: prompts.set_labels(name, v)),
    )


def checked_plan(table: Table) -> RowPlan | None:
    """The plan, or None after showing why it cannot run (nothing is sent then)."""
    try:
        return prompts.plan(table.df, S.get(S.TEXT_COL))
    except CoreError as exc:
        show(exc)
        return None


def preview(plan: RowPlan, table: Table) -> None:
    """A dry run: the exact messages the first rows would send."""
    from ui.workbench import examples  # the switch sits by the preview that shows the examples it adds

    examples.toggle("rows", always_count=False)
    with st.expander(t("rows.preview", n=min(PREVIEW_ROWS, len(table.df)))):
        for i, row in enumerate(table_rows(table.df.head(PREVIEW_ROWS), plan.text_column)):
            st.markdown(f"**{t('rows.preview_row', n=i + 1)}**")
            for message in plan.template.messages(row):
                st.caption(message["role"])
                st.code(message["content"], language=None, wrap_lines=True)


def start(only: list[int] | None = None, reuse_answers: bool = True) -> None:
    """Start a run (a button callback); problems become a message on the page, nothing is sent."""
    try:
        runs.start(only, reuse_answers)
    except Exception as exc:
        S.put(S.RUN_MESSAGE, RunMessage(error=capture(exc)))


def run_button(plan: RowPlan | None, table: Table) -> None:
    """Run every row (disabled while the template has a problem or a run is going)."""
    st.button(
        t("rows.run", n=f"{len(table.df):,}"),
        type="primary",
        icon="▶️",
        key="b.run",
        disabled=plan is None or runs.running(),
        on_click=start,
    )


def message() -> None:
    """What the last run or attempt ended with."""
    note: RunMessage | None = S.get(S.RUN_MESSAGE)
    if note is None:
        return
    if note.error is not None:
        show(note.error)
        return
    level, text = runs.outcome(note.snapshot)
    {"error": st.error, "warning": st.warning, "success": st.success}[level](text)
