"""What the minutes are written from: the transcript as one text, its length, and whether the offline engine writes."""

from __future__ import annotations

import streamlit as st

from core.engines.tokens import count_text
from core.loaders import Table
from core.minutes.transcript import transcript_text
from ui import settings
from ui import state as S
from ui.i18n import t


def transcript(table: Table) -> str:
    """The whole transcript, one "#row [time] speaker: text" line per utterance."""
    key = (S.upload().id, S.get(S.TEXT_COL), S.get(S.SPEAKER_COL))
    return S.memo("transcript", key, lambda: transcript_text(table.df, S.get(S.TEXT_COL), S.get(S.SPEAKER_COL)))


def facts(text: str) -> None:
    """How long the transcript is, in lines, characters and tokens."""
    tokens = S.memo(
        "transcript_tokens", (len(text), hash(text), S.get(S.MODEL)), lambda: count_text(text, S.get(S.MODEL))
    )
    cols = st.columns(3)
    cols[0].metric(t("summary.lines"), f"{text.count(chr(10)) + 1 if text else 0:,}")
    cols[1].metric(t("summary.chars"), f"{len(text):,}")
    cols[2].metric(t("summary.tokens") if tokens.exact else t("summary.tokens_rough"), f"{tokens.tokens:,}")
    with st.expander(t("summary.show_transcript")):
        st.code(text[:20_000] or "—", language=None, wrap_lines=True)


def offline() -> bool:
    """Whether the offline engine writes here (no key: the core chose it, or the user asked for it)."""
    try:
        return settings.engine_choice()[0] == "offline"
    except Exception:  # a bad engine name is shown by the page frame; writing then reports it again
        return False
