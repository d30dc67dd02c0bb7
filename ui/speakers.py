"""The Upload page's speaker names: each label the file uses, how often and a sample line, renamed to a person."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from core.loaders import Table
from core.speakers import rename_speakers, speaker_labels
from ui import state as S
from ui import upload as up
from ui.i18n import t
from ui.minutes import writing
from ui.rows import runs

MAX_LABELS = 50  # more "speakers" than this is a column of something else


def original(table: Table) -> Table:
    """The table as the file has it (labels not renamed), read again from the cache."""
    u = S.upload()
    return up.parse(u.name, u.data, table.sheet)


def editor_key(column: str) -> str:
    """The names editor's widget key: new for every file and speaker column."""
    return f"w.speakers.{S.upload().id}.{column}"


def names_editor(table: Table) -> None:
    """A small table mapping each speaker label to a name, and the button that applies it everywhere."""
    column = S.get(S.SPEAKER_COL)
    source = original(table)
    if not column or column not in source.df.columns:
        return
    labels = speaker_labels(source.df, column, S.get(S.TEXT_COL))
    if not labels or len(labels) > MAX_LABELS:
        return
    names = S.get(S.SPEAKER_NAMES)
    frame = pd.DataFrame(
        {
            "label": [item.label for item in labels],
            "name": [names.get(item.label, "") for item in labels],
            "count": [item.count for item in labels],
            "sample": [item.sample for item in labels],
        }
    )
    config = {
        "label": st.column_config.TextColumn(t("upload.speakers_label"), width="small"),
        "name": st.column_config.TextColumn(t("upload.speakers_name"), width="small"),
        "count": st.column_config.NumberColumn(t("upload.speakers_count"), width="small"),
        "sample": st.column_config.TextColumn(t("upload.speakers_sample"), width="large"),
    }
    with st.expander(t("upload.speakers", n=len(labels)), expanded=bool(names) or len(labels) <= 8):
        st.caption(t("upload.speakers_help"))
        edited = st.data_editor(
            frame,
            key=editor_key(column),
            hide_index=True,
            disabled=["label", "count", "sample"],
            column_config=config,
            width="stretch",
        )
        st.button(t("upload.speakers_apply"), on_click=apply, args=(edited, column), key="b.speakers")
        if names:
            st.caption(t("upload.speakers_applied", n=len(names)))


def apply(edited: pd.DataFrame, column: str) -> None:
    """Rename the speakers in the session's table (a callback): rows, minutes, subtitles and downloads follow; runs
    and minutes made with the old labels go, as they would for a new file."""
    mapping = {str(label): str(name).strip() for label, name in zip(edited["label"], edited["name"]) if _named(name)}
    table = S.get(S.TABLE)
    df, _ = rename_speakers(original(table).df, column, mapping, S.get(S.TEXT_COL))
    runs.clear()
    writing.forget()
    S.put(S.MINUTES, None)
    S.put(S.MINUTES_ERROR, None)
    S.bump(S.MINUTES_VERSION)
    S.put(S.TABLE, dataclasses.replace(table, df=df))
    S.put(S.SPEAKER_NAMES, mapping)


def _named(name: object) -> bool:
    return isinstance(name, str) and bool(name.strip())
