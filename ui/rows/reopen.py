"""Bringing a stored run back into the session: its table, prompt, model and results; resuming it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import streamlit as st

from core.errors import CoreError
from core.jobs.rows import interrupted, unanswered
from core.loaders import Table
from core.loaders.columns import guess_speaker_column, guess_text_column
from core.store import RunInfo
from ui import prompts
from ui import state as S
from ui.i18n import t
from ui.owner import owner
from ui.rows import runs
from ui.rows.setup import start
from ui.state import RowRun
from ui.store import store
from ui.upload import use_table


def when(info: RunInfo) -> str:
    """The run's start as local date and time."""
    return datetime.fromtimestamp(info.created).strftime("%Y-%m-%d %H:%M")


def _table(info: RunInfo) -> Table:
    df = store().run_input(info.id, owner=owner())
    text = info.text_column if info.text_column in df.columns else guess_text_column(df)
    kind = Path(info.file_name).suffix.lstrip(".").lower() or "table"
    return Table(df, info.file_name, kind, text_column=text, speaker_column=guess_speaker_column(df, text))


def _restore_prompt(info: RunInfo) -> None:
    task = info.task if info.task in prompts.task_names() else S.CUSTOM
    S.put(S.TASK, task)
    labels = info.params.get("labels") or []
    if labels and task != S.CUSTOM and prompts.preset(task).kind == "label":
        prompts.set_labels(task, labels)
    prompts.set_system(task, info.system)
    prompts.set_template(task, info.template)
    if task == S.CUSTOM:
        S.put(S.CUSTOM_OUTPUT, info.output_column)


def _restore_model(info: RunInfo) -> None:
    """The model and the settings that decide an answer, so re-runs and resumes ask the same question."""
    if info.engine != "openai":
        return
    S.put(S.MODEL, info.model)
    if "temperature" in info.params:
        S.put(S.TEMPERATURE, float(info.params["temperature"]))
    if "max_tokens" in info.params:
        S.put(S.MAX_TOKENS, int(info.params["max_tokens"]))


def reopen(run_id: int) -> bool:
    """Make a stored run the session's table and results, as if it had just been run here (False: not ours)."""
    held = store()
    info = held.run(run_id, owner=owner())
    if info is None:
        return False
    table = _table(info)
    use_table(info.file_name, b"", table)
    _restore_prompt(info)
    _restore_model(info)
    results = {r.row: r for r in held.results(run_id)}
    task = S.get(S.TASK)
    S.put(
        S.ROW_RUN,
        RowRun(
            run_id=run_id,
            task=None if task == S.CUSTOM else task,
            output_column=info.output_column,
            labels=tuple(info.params.get("labels") or ()),
            model=info.model,
            engine=info.engine,
            results=results,
        ),
    )
    S.get(S.EDITS).update({row: results[row].output for row in held.edited_rows(run_id) if row in results})
    return True


def resume(run_id: int) -> bool:
    """Reopen a run and ask only for its rows without an answer (answers already stored cost nothing)."""
    if not reopen(run_id):
        return False
    rows = runs.rows_for("unanswered")
    if rows:
        start(rows, reuse_answers=True)
    return True


def offer() -> None:
    """On the rows page of a session without results: the latest run cut short, and a button to finish it."""
    if runs.pending() or S.row_run() is not None:
        return  # the session's own run has its Resume button under its results
    try:
        from ui.batch import waiting  # imported late: ui.batch uses this package's modules

        found = [r for r in interrupted(store(), owner=owner()) if r.id not in waiting()]
    except CoreError:  # no run store: nothing to offer; Run says why when it is pressed
        return
    if not found:
        return
    info = found[0]
    missing = len(unanswered(store(), info.id, info.rows))
    with st.container(border=True):
        st.markdown(t("history.unfinished", file=info.file_name, when=when(info), n=missing, total=info.rows))
        st.button(
            t("history.resume", n=missing),
            icon="⏯️",
            key="b.resume_offer",
            type="primary",
            on_click=resume,
            args=(info.id,),
            help=t("history.resume_help"),
        )
