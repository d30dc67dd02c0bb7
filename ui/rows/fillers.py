"""The offline engine's filler list for 대본 정리, edited on the Rows page (one entry a line, "~word" positional)."""

from __future__ import annotations

import streamlit as st

from core.offline.fillers import default_fillers
from ui import settings
from ui import state as S
from ui.i18n import t

TASK = "clean"


def default_text() -> str:
    """The preset list (core/presets/fillers.toml), one entry a line."""
    return "\n".join(default_fillers().as_list())


def set_text(text: str) -> None:
    """Keep what the user typed (the preset's list typed back counts as no change)."""
    S.put(S.FILLERS, None if text.strip() == default_text().strip() else text)


def reset() -> None:
    """Back to the preset's list (a callback: also refreshes the text box)."""
    S.put(S.FILLERS, None)
    S.set_widget("w.fillers", default_text())


def shown() -> bool:
    """The list matters only for 대본 정리 on the offline engine."""
    try:
        return S.get(S.TASK) == TASK and settings.engine_choice()[0] == "offline"
    except Exception:  # a bad engine setting is reported by the sidebar; there is no list to edit then
        return False


def editor() -> None:
    """The list, editable, with a reset to the preset's; how many entries are in use."""
    if not shown():
        return
    edited = settings.fillers()
    with st.expander(
        t("fillers.title", count=len(default_fillers().as_list() if edited is None else edited)),
        expanded=S.get(S.FILLERS) is not None,
    ):
        st.text_area(
            t("fillers.label"),
            height=180,
            help=t("fillers.help"),
            **S.bind("w.fillers", default_text() if S.get(S.FILLERS) is None else S.get(S.FILLERS), set_text),
        )
        st.button(
            t("fillers.reset"), icon="↩️", key="b.fillers_reset", on_click=reset, disabled=S.get(S.FILLERS) is None
        )
