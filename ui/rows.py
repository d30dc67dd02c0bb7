"""The rows page's setup parts: task, template, labels, the dry-run preview, the quote and the Run button."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.errors import CoreError
from core.loaders import Table
from core.rows.plan import RowPlan
from core.rows.quote import Quote, quote_rows
from core.rows.runner import table_rows
from core.rows.service import row_keys
from ui import config, prompts
from ui import run as runs
from ui import state as S
from ui.errors import capture, show
from ui.i18n import t, task_title

PREVIEW_ROWS = 3
QUOTE_ROWS = 20_000  # past this the quote counts the first rows and scales: counting 200k rows takes ~10 s


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
    with st.expander(t("rows.preview", n=min(PREVIEW_ROWS, len(table.df)))):
        for i, row in enumerate(table_rows(table.df.head(PREVIEW_ROWS), plan.spec.text_column)):
            st.markdown(f"**{t('rows.preview_row', n=i + 1)}**")
            for message in plan.spec.template.messages(row):
                st.caption(message["role"])
                st.code(message["content"], language=None, wrap_lines=True)


def money(value: float | None) -> str:
    """Dollars as the quote and the metrics show them ('—' when no price is known)."""
    return "—" if value is None else f"${value:,.4f}"


def quote(plan: RowPlan, table: Table) -> None:
    """What Run would send and cost (core.rows.quote, as the CLI's --quote): requests, tokens, price, time."""
    try:
        engine, _ = config.engine_choice()
    except CoreError:
        return  # the engine notice above already says what is wrong
    if engine == "offline":
        st.caption(t("rows.quote_offline", rows=f"{len(table.df):,}"))
        return
    options, settings = config.run_options(), config.model_settings()
    key = (
        hash(plan.spec),
        settings.model,
        settings.max_tokens,
        settings.temperature,
        options,
        S.get(S.UPLOAD)["id"],
        S.get(S.EDITOR_VERSION),
    )
    q, known, sampled = S.memo("quote", key, lambda: _quote(plan, table))
    with st.container(border=True):
        st.markdown(f"**{t('rows.quote')}**")
        cols = st.columns(6)
        cols[0].metric(t("rows.q_requests"), f"{q.requests:,}")
        cols[1].metric(t("rows.q_input" if q.exact else "rows.q_input_rough"), f"{q.input_tokens:,}")
        cols[2].metric(
            t("rows.q_output"), f"{q.output_tokens:,}", help=t("rows.q_output_help", most=f"{q.max_output_tokens:,}")
        )
        cols[3].metric(
            t("rows.q_cost"), money(q.cost), help=t("rows.q_cost_help", most=money(q.max_cost), taken=q.prices_taken)
        )
        cols[4].metric(t("rows.q_batch"), money(q.batch_cost))
        pace = "—" if q.seconds_at_limits is None else f"{q.seconds_at_limits:,.0f}s"
        cols[5].metric(t("rows.q_time"), pace, help=t("rows.q_time_help"))
        _quote_notes(q, known, sampled)


def _quote_notes(q: Quote, known: int, sampled: bool) -> None:
    notes = [t("rows.q_known", n=f"{known:,}")] if known else []
    notes += [t("rows.q_sampled", n=f"{QUOTE_ROWS:,}")] if sampled else []
    if q.cost is None:
        notes.append(t("rows.q_no_price", model=config.model_settings().model))
    if notes:
        st.caption(" ".join(notes))
    budget = config.run_options().budget
    if budget is not None and q.max_cost is not None and q.max_cost > budget:
        st.warning(t("rows.q_over_budget", budget=money(budget), most=money(q.max_cost)), icon="💸")


def _quote(plan: RowPlan, table: Table) -> tuple[Quote, int, bool]:
    """The quote for the rows not already answered in the store (when rows go one per request)."""
    job = config.run_job(plan, table)
    rows = table_rows(table.df, plan.spec.text_column)
    fresh = rows
    if job.options.pack == 1:
        keys = row_keys(job, "openai", rows)
        known = _known(keys)
        fresh = [row for row, k in zip(rows, keys) if k not in known]
    first = fresh[:QUOTE_ROWS]
    got = quote_rows(
        first,
        plan.spec,
        model=job.settings.model,
        max_tokens=job.settings.max_tokens,
        pack=job.options.pack,
        rpm=job.options.rpm,
        tpm=job.options.tpm,
    )
    if len(first) < len(fresh):
        got = _scaled(got, len(fresh) / len(first))
    return got, len(rows) - len(fresh), len(first) < len(fresh)


def _known(keys: list[str]) -> set[str]:
    """Which requests already have a stored answer (none when the store cannot be opened)."""
    try:
        return config.store().known(keys)
    except CoreError:
        return set()


def _scaled(q: Quote, factor: float) -> Quote:
    """A quote of the first rows, grown to the whole table (so no longer exact)."""

    def count(value: int) -> int:
        return round(value * factor)

    def more(value: float | None) -> float | None:
        return None if value is None else value * factor

    return replace(
        q,
        requests=count(q.requests),
        input_tokens=count(q.input_tokens),
        output_tokens=count(q.output_tokens),
        max_output_tokens=count(q.max_output_tokens),
        exact=False,
        cost=more(q.cost),
        batch_cost=more(q.batch_cost),
        max_cost=more(q.max_cost),
        seconds_at_limits=more(q.seconds_at_limits),
    )


def start(only: list[int] | None = None, reuse_answers: bool = True) -> None:
    """Start a run (a button callback); problems become a message on the page, nothing is sent."""
    try:
        runs.start(only, reuse_answers)
    except Exception as exc:
        S.put(S.RUN_MESSAGE, ("error", capture(exc)))


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
    note = S.get(S.RUN_MESSAGE)
    if note is None:
        return
    kind, detail = note
    if kind == "error":
        show(detail)
        return
    level, text = runs.outcome(detail)
    {"error": st.error, "warning": st.warning, "success": st.success}[level](text)
