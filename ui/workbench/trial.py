"""Try the sidebar's prompt on a sample, or compare it with another variant on the same rows (with the quote)."""

from __future__ import annotations

import streamlit as st

from core.errors import CoreError
from core.jobs.compare import CompareJob
from core.loaders import Table
from core.rows.quote import quote_rows
from core.rows.runner import table_rows
from core.workbench.compare import Base, Variant
from core.workbench.sampling import sample_rows, sendable
from ui import prompts, settings
from ui import state as S
from ui.errors import show
from ui.i18n import t
from ui.rows.quote import money
from ui.store import store
from ui.workbench import examples, library
from ui.workbench.state import Trial, take_error, wb

HOWS = ("first", "random", "given")
EDIT = "edit"


def base(table: Table) -> Base:
    """What both variants share: the task (or custom template), labels, columns, model settings and examples."""
    task = S.get(S.TASK)
    custom = task == S.CUSTOM
    labels = prompts.labels(task)
    plan = prompts.plan(table.df, S.get(S.TEXT_COL))  # checks the template against the table first
    return Base(
        task=None if custom else task,
        template=prompts.template_text(task) if custom else None,
        labels=tuple(labels) if labels else None,
        text_column=S.get(S.TEXT_COL),
        output_column=plan.output_column,
        settings=settings.model_settings(),
        examples=examples.picker(plan, table.df) if wb().learn else None,
    )


def variant_a() -> Variant:
    """The sidebar's prompt and model."""
    task = S.get(S.TASK)
    system, template = library.current(task)
    return Variant("A", system, template, S.get(S.MODEL).strip() or None, float(S.get(S.TEMPERATURE)))


def variant_b() -> Variant:
    """The other variant, as chosen below: a saved version or an edited system prompt, with its model."""
    state, task = wb(), S.get(S.TASK)
    system, template = library.current(task)
    if state.b_source.startswith("v:"):
        _, name, version = state.b_source.split(":", 2)
        try:
            saved = library.library().get(name, int(version))
            system, template = saved.system, saved.template or template
        except CoreError:
            pass
    elif state.b_source == EDIT:
        system = state.b_system
    model = state.b_model.strip() or S.get(S.MODEL).strip() or None
    temperature = float(S.get(S.TEMPERATURE)) if state.b_temperature is None else state.b_temperature
    return Variant("B", system, template, model, temperature)


def sample_controls(table: Table) -> list[int]:
    """How to pick the sample (first N, seeded random, the rows ticked on the Rows page) and the rows it gives."""
    state = wb()
    names = {h: t(f"wb.how_{h}") for h in HOWS}
    left, mid, right = st.columns([3, 1, 1])
    S.set_widget("w.wb.how", state.sample_how)
    left.radio(
        t("wb.how"),
        HOWS,
        format_func=names.get,
        horizontal=True,
        key="w.wb.how",
        on_change=lambda: setattr(state, "sample_how", S.widget_state("w.wb.how")),
    )
    S.set_widget("w.wb.n", state.sample_n)
    mid.number_input(
        t("wb.n"), 1, 500, key="w.wb.n", on_change=lambda: setattr(state, "sample_n", int(S.widget_state("w.wb.n")))
    )
    S.set_widget("w.wb.seed", state.seed)
    right.number_input(
        t("wb.seed"),
        0,
        10**9,
        key="w.wb.seed",
        disabled=state.sample_how != "random",
        on_change=lambda: setattr(state, "seed", int(S.widget_state("w.wb.seed"))),
    )
    rows = table_rows(table.df, S.get(S.TEXT_COL))
    try:
        template = prompts.plan(table.df, S.get(S.TEXT_COL)).template
    except CoreError:
        return []
    picked = sample_rows(
        len(rows),
        state.sample_n,
        how=state.sample_how,
        seed=state.seed,
        given=S.get(S.SELECTED),
        pool=sendable(rows, template),
    )
    if state.sample_how == "given" and not picked:
        st.caption(t("wb.none_ticked"))
    return picked


def b_controls() -> None:
    """What variant B is: a saved version of this task's prompts or an edited system prompt; its model."""
    state, task = wb(), S.get(S.TASK)
    options = [
        f"v:{p.name}:{v.version}" for p in library.library().names(task) for v in library.library().versions(p.name)
    ]
    options = options[::-1] + [EDIT]
    if not state.b_chosen or state.b_source not in options:  # default: the saved version in use, else the newest
        used = library.in_use(task)
        mine = f"v:{used.name}:{used.version}" if used else ""
        state.b_source = mine if mine in options else options[0]
        state.b_system = state.b_system or library.current(task)[0]
    labels = {
        o: (t("wb.b_edit") if o == EDIT else t("wb.b_saved", name=o.split(":")[1], version=o.split(":")[2]))
        for o in options
    }
    left, mid, right = st.columns([3, 2, 1])
    S.set_widget("w.wb.b_source", state.b_source)
    left.selectbox(
        t("wb.b_source"),
        options,
        format_func=labels.get,
        key="w.wb.b_source",
        on_change=lambda: _choose_b(state),
    )
    S.set_widget("w.wb.b_model", state.b_model)
    mid.text_input(
        t("wb.b_model"),
        key="w.wb.b_model",
        placeholder=S.get(S.MODEL),
        on_change=lambda: setattr(state, "b_model", S.widget_state("w.wb.b_model")),
    )
    temperature = float(S.get(S.TEMPERATURE)) if state.b_temperature is None else state.b_temperature
    S.set_widget("w.wb.b_temp", temperature)
    right.number_input(
        t("wb.b_temperature"),
        0.0,
        2.0,
        step=0.1,
        key="w.wb.b_temp",
        on_change=lambda: setattr(state, "b_temperature", float(S.widget_state("w.wb.b_temp"))),
    )
    if state.b_source == EDIT:
        S.set_widget("w.wb.b_system", state.b_system)
        st.text_area(
            t("wb.b_system"),
            key="w.wb.b_system",
            height=140,
            on_change=lambda: setattr(state, "b_system", S.widget_state("w.wb.b_system")),
        )


def _choose_b(state) -> None:
    state.b_source, state.b_chosen = S.widget_state("w.wb.b_source"), True


def quote_line(table: Table, rows: list[int], variants: list[Variant]) -> str:
    """Requests, tokens and cost of asking `variants` about `rows`."""
    b = base(table)
    df_rows = table_rows(table.df.iloc[rows].reset_index(drop=True), S.get(S.TEXT_COL))
    requests = tokens = 0
    cost: float | None = 0.0
    for v in variants:
        q = quote_rows(df_rows, b.plan(v), model=b.model_settings(v).model, max_tokens=b.settings.max_tokens)
        requests, tokens = requests + q.requests, tokens + q.input_tokens + q.output_tokens
        cost = None if cost is None or q.cost is None else cost + q.cost
    return t("wb.quote", rows=len(rows), requests=requests, tokens=f"{tokens:,}", cost=money(cost))


def run(table: Table, rows: list[int], variants: list[Variant]) -> None:
    """Start asking the variants about the sample (a button callback); answers already in the store cost nothing."""
    state = wb()
    state.stopped = False
    try:
        job = CompareJob(
            table.df,
            S.upload().name,
            base(table),
            variants,
            rows,
            options=settings.run_options(),
            engine=settings.requested_engine(),
            store=store().path,
        )
    except Exception as exc:
        state.error = exc
        return
    state.job, state.job_for = job.start(), (S.get(S.TASK), S.upload().id)


def stop() -> None:
    """Stop the try or comparison under way (a button callback)."""
    if wb().job is not None:
        wb().job.cancel()


def _fold() -> None:
    """A finished job's comparison (or its error, or that it was stopped) into the Workbench state."""
    state = wb()
    job = state.job
    if job is None or job.running:
        return
    state.job = None
    if job.error is not None:
        state.error = job.error
    elif job.result is None:
        state.stopped = True
    else:
        task, upload_id = state.job_for
        state.trial = Trial(task, upload_id, job.result, job.result.runs[0].plan.output_column)


@st.fragment(run_every=0.5)
def following() -> None:
    """Progress and Stop while the variants are asked; the whole page shows the answers when they are in."""
    job = wb().job
    if job is None or not job.running:
        _fold()
        st.rerun()
    progress = job.progress()
    fraction = progress.done / progress.total if progress.total else 0.0
    st.progress(fraction, text=t("wb.asking", done=progress.done, total=progress.total))
    st.button(t("rows.stop"), icon="⏹️", key="b.wb.stop", on_click=stop, disabled=job.stopped)


def panel(table: Table) -> None:
    """Sample, variant B, the quote, and the Try / Compare buttons."""
    rows = sample_controls(table)
    examples.toggle("trial")
    b_controls()
    try:
        a, b = variant_a(), variant_b()
        st.caption(quote_line(table, rows, [a]) + " · " + t("wb.compare_doubles"))
    except CoreError as exc:
        show(exc)
        return
    _fold()
    busy = wb().job is not None
    left, right = st.columns(2)
    left.button(
        t("wb.try", n=len(rows)),
        key="b.wb.try",
        icon="🧪",
        disabled=not rows or busy,
        on_click=run,
        args=(table, rows, [a]),
        width="stretch",
    )
    right.button(
        t("wb.compare"),
        key="b.wb.compare",
        icon="⚖️",
        type="primary",
        disabled=not rows or busy,
        on_click=run,
        args=(table, rows, [a, b]),
        width="stretch",
    )
    if busy:
        following()
    if wb().stopped:
        st.info(t("wb.stopped"))
        wb().stopped = False
    problem = take_error()
    if problem is not None:
        show(problem)
