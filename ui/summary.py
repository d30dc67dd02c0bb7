"""The summary page's parts: the transcript as one text, minutes streamed as written, edit, download."""
from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from core.engine import Completion
from core.jobs import stream_sync
from core.loaders import Table
from core.summary import transcript_text
from core.tasks import get_task
from core.tokens import count_text
from ui import config, prompts
from ui import state as S
from ui.errors import capture, show
from ui.i18n import t

LONG_TOKENS = 100_000  # past this, one request may not fit a model's context


def transcript(table: Table) -> str:
    """The whole transcript, one "#row [time] speaker: text" line per utterance."""
    key = (S.get(S.UPLOAD)["id"], S.get(S.TEXT_COL), S.get(S.SPEAKER_COL))
    return S.memo("transcript", key, lambda: transcript_text(table.df, S.get(S.TEXT_COL), S.get(S.SPEAKER_COL)))


def facts(text: str) -> None:
    """How long the transcript is, in lines, characters and tokens."""
    tokens = S.memo("transcript_tokens", (len(text), hash(text), S.get(S.MODEL)),
                    lambda: count_text(text, S.get(S.MODEL)))
    cols = st.columns(3)
    cols[0].metric(t("summary.lines"), f"{text.count(chr(10)) + 1 if text else 0:,}")
    cols[1].metric(t("summary.chars"), f"{len(text):,}")
    cols[2].metric(t("summary.tokens") if tokens.exact else t("summary.tokens_rough"), f"{tokens.tokens:,}")
    if tokens.tokens > LONG_TOKENS:
        st.warning(t("summary.long", tokens=f"{tokens.tokens:,}"), icon="📏")
    with st.expander(t("summary.show_transcript")):
        st.code(text[:20_000] or "—", language=None, wrap_lines=True)


def write_button(text: str) -> bool:
    """The button that starts writing the minutes."""
    label = t("summary.rewrite") if S.get(S.SUMMARY) else t("summary.write")
    return st.button(label, type="primary", icon="✍️", key="b.summary_write", disabled=not text.strip())


def write(text: str) -> None:
    """Stream the minutes onto the page as they are written, then keep them (even a partial answer)."""
    S.put(S.SUMMARY_ERROR, None)
    template = get_task(prompts.SUMMARY_TASK).build(system=prompts.system_text(prompts.SUMMARY_TASK))
    try:
        engine = config.engine_for(prompts.SUMMARY_TASK)
    except Exception as exc:
        S.put(S.SUMMARY_ERROR, capture(exc))
        return
    parts: list[str] = []
    usage: list[Completion] = []
    try:
        with st.container(border=True):
            st.write_stream(stream_sync(text, template, engine, parts, on_usage=usage.append), cursor="▌")
    except Exception as exc:
        S.put(S.SUMMARY_ERROR, capture(exc))
    finally:  # also when the user stops the script mid-stream: what was written is kept
        if parts or not S.get(S.SUMMARY_ERROR):
            S.put(S.SUMMARY, "".join(parts))
            S.put(S.SUMMARY_USAGE, usage[-1] if usage else None)
            S.bump(S.SUMMARY_VERSION)
    st.rerun()


def problem() -> None:
    """Why the last attempt failed (what was written before the failure is kept below)."""
    if S.get(S.SUMMARY_ERROR) is not None:
        show(S.get(S.SUMMARY_ERROR))


def result() -> None:
    """The minutes: usage, a rendered view, an editable text, and downloads of the edited text."""
    if not S.get(S.SUMMARY):
        return
    usage = S.get(S.SUMMARY_USAGE)
    if usage is not None:
        cols = st.columns(3)
        cols[0].metric(t("summary.m_tokens"), f"{usage.prompt_tokens + usage.completion_tokens:,}")
        cols[1].metric(t("summary.m_output"), f"{usage.completion_tokens:,}")
        cols[2].metric(t("summary.m_seconds"), f"{usage.latency:.1f}s")
    view, edit = st.tabs([t("summary.view"), t("summary.edit")])
    with edit:
        st.text_area(t("summary.edit_label"), height=480, help=t("summary.edit_help"),
                     **S.bind(f"w.summary.{S.get(S.SUMMARY_VERSION)}", S.get(S.SUMMARY),
                              lambda v: S.put(S.SUMMARY, v)))
    with view, st.container(border=True):
        st.markdown(S.get(S.SUMMARY))
    downloads(S.get(S.SUMMARY))


def plain_text(markdown: str) -> str:
    """The minutes without Markdown marks, with Windows line ends (for Notepad)."""
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        lines.append(line.rstrip())
    return "\r\n".join(lines) + "\r\n"


def downloads(text: str) -> None:
    """The minutes as .md (UTF-8) and .txt (UTF-8 with BOM, so Korean Notepad reads it)."""
    stem = f"{Path(S.get(S.UPLOAD)['name']).stem}_{t('summary.file_stem')}"
    left, right = st.columns(2)
    left.download_button(t("summary.download_md"), text.encode("utf-8"), file_name=f"{stem}.md",
                         mime="text/markdown", icon="⬇️", key="d.md", on_click="ignore", width="stretch")
    right.download_button(t("summary.download_txt"), plain_text(text).encode("utf-8-sig"), file_name=f"{stem}.txt",
                          mime="text/plain", icon="⬇️", key="d.txt", on_click="ignore", width="stretch")
