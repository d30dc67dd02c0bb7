"""The minutes this session holds: which upload they were made from, kept, edited, shown and downloaded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import streamlit as st

from core.engines.protocol import Completion
from core.minutes.mapreduce import MinutesResult
from ui import state as S
from ui.errors import show
from ui.i18n import t
from ui.state import Minutes

MINUTES, EXTRACT = "minutes", "extract"  # map-reduce minutes by a model; the offline engine's extractive summary


def write_button(text: str, kind: str) -> bool:
    """The button that starts writing (minutes, or the offline engine's extractive summary)."""
    made = current()
    again = made is not None and made.kind == kind
    labels = {MINUTES: ("summary.write", "summary.rewrite"), EXTRACT: ("minutes.extract", "minutes.reextract")}
    return st.button(t(labels[kind][again]), type="primary", icon="✍️", key="b.summary_write", disabled=not text.strip())


def keep(kind: str, markdown: str, usage: Completion | None, result: MinutesResult | None = None) -> None:
    """Make this the page's minutes (the text, how it was made, the structured result), fresh editors."""
    S.put(S.MINUTES, Minutes(S.upload().id, kind, markdown, usage, result))
    S.put(S.ACTIONS, result.action_items() if result is not None else None)
    S.bump(S.MINUTES_VERSION)
    S.bump(S.ACTIONS_VERSION)


def current() -> Minutes | None:
    """The minutes held, when they were made from the table loaded now."""
    made, upload = S.minutes(), S.upload()
    return made if made is not None and upload is not None and made.upload_id == upload.id else None


def set_text(text: str) -> None:
    """Keep the user's edit of the minutes' text."""
    made = current()
    if made is not None:
        made.text = text


def problem() -> None:
    """Why the last attempt failed (what was written before the failure is kept below)."""
    if S.get(S.MINUTES_ERROR) is not None:
        show(S.get(S.MINUTES_ERROR))


def metrics(usage: Completion | None, requests: int | None) -> None:
    """Requests, tokens and time of the last writing (tokens only when a model wrote)."""
    if usage is None:
        return
    shown = (
        []
        if requests is None
        else [
            (t("summary.m_requests"), f"{requests:,}"),
            (t("summary.m_tokens"), f"{usage.prompt_tokens + usage.completion_tokens:,}"),
            (t("summary.m_output"), f"{usage.completion_tokens:,}"),
        ]
    )
    shown.append((t("summary.m_seconds"), f"{usage.latency:.1f}s"))
    for col, (label, value) in zip(st.columns(len(shown)), shown):
        col.metric(label, value)


def text_tabs(made: Minutes) -> Any:
    """The text as rendered and as editable Markdown; returns the third tab (the sources) to fill."""
    view, edit, sources = st.tabs([t("summary.view"), t("summary.edit"), t("summary.sources")])
    with edit:
        st.text_area(
            t("summary.edit_label"),
            height=480,
            help=t("summary.edit_help"),
            **S.bind(f"w.summary.{S.get(S.MINUTES_VERSION)}", made.text, set_text),
        )
    with view, st.container(border=True):
        st.markdown(made.text)
    return sources


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def plain_text(markdown: str) -> str:
    """The minutes without Markdown marks, with Windows line ends (for Notepad)."""
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        lines.append(line.rstrip())
    return "\r\n".join(lines) + "\r\n"


def stem() -> str:
    """The start of every download's file name: the uploaded file's name and what it holds."""
    return f"{Path(S.upload().name).stem}_{t('summary.file_stem')}"


def downloads(text: str, structured: bytes | None = None, word: bytes | None = None) -> None:
    """The text as .md (UTF-8) and .txt (UTF-8 with BOM, so Korean Notepad reads it); the structured result as .json;
    the minutes as a Word document."""
    files = [
        ("download_md", text.encode("utf-8"), "md", "text/markdown"),
        ("download_txt", plain_text(text).encode("utf-8-sig"), "txt", "text/plain"),
        ("download_json", structured, "json", "application/json"),
        ("download_docx", word, "docx", DOCX),
    ]
    shown = [f for f in files if f[1] is not None]
    for col, (label, data, ext, mime) in zip(st.columns(len(shown)), shown):
        col.download_button(
            t(f"summary.{label}"),
            data,
            file_name=f"{stem()}.{ext}",
            mime=mime,
            icon="⬇️",
            key=f"d.{ext}",
            on_click="ignore",
            width="stretch",
        )
