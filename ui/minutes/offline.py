"""The offline engine's extractive summary on the summary page: said to be what it is, with its length setting."""

from __future__ import annotations

import streamlit as st

from core.engines.factory import make_engine
from core.engines.protocol import Completion
from core.minutes.transcript import stream_extract
from core.rows.tasks import get_task
from ui import prompts, settings
from ui import state as S
from ui.errors import capture
from ui.i18n import t
from ui.minutes import held

MAX_SENTENCES = 60


def length_settings() -> None:
    """What the offline engine does (and does not), and how many sentences it picks (empty: automatic)."""
    st.info(t("minutes.offline_label"), icon="📝")
    st.number_input(
        t("minutes.sentences"),
        1,
        MAX_SENTENCES,
        value=None,
        step=1,
        placeholder=t("minutes.sentences_auto"),
        help=t("minutes.sentences_help"),
        **S.bind_key(S.SENTENCES),
    )


def write(text: str) -> None:
    """Stream the extractive summary onto the page, then keep it."""
    S.put(S.MINUTES_ERROR, None)
    template = get_task(prompts.MINUTES_TASK).build(system=prompts.system_text(prompts.MINUTES_TASK))
    try:
        engine = make_engine(
            settings.model_settings(), "offline", task=prompts.MINUTES_TASK, sentences=S.get(S.SENTENCES)
        )
    except Exception as exc:
        S.put(S.MINUTES_ERROR, capture(exc))
        return
    parts: list[str] = []
    usage: list[Completion] = []
    try:
        with st.container(border=True):
            st.write_stream(stream_extract(text, template, engine, parts, on_usage=usage.append), cursor="▌")
    except Exception as exc:
        S.put(S.MINUTES_ERROR, capture(exc))
    finally:  # also when the user stops the script mid-stream: what was written is kept
        if parts:
            held.keep(held.EXTRACT, "".join(parts), usage[-1] if usage else None)
    st.rerun()
