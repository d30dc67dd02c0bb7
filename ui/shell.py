"""What every page draws first: session setup, the sidebar and the engine notice.

Pages call `open_page()` themselves (rather than app.py drawing the sidebar) because Streamlit runs a file
in pages/ directly, without app.py, when a server's first request is a deep link, and AppTest does so
after its first run; `open_page()` is idempotent, so the normal path through app.py is unaffected.
"""

from __future__ import annotations

import streamlit as st

from ui import settings, sidebar
from ui import state as S
from ui.errors import show
from ui.i18n import browser_lang, has, t
from ui.rows import runs


def open_page(page: str, task: str | None = None) -> None:
    """Set up the session for `page`, fold in a finished run, draw the sidebar for `task` (default: the row task)."""
    S.init(browser_lang())
    S.enter(page)
    runs.collect()
    sidebar.render(task or S.get(S.TASK))
    engine_notice()


def engine_notice() -> None:
    """A banner when the core chose the engine for the user (e.g. offline, with no key)."""
    try:
        engine, notice = settings.engine_choice()
    except Exception as exc:  # a bad engine name: say so, the page still works
        show(exc)
        return
    if notice:
        st.info(t(f"notice.{engine}") if has(f"notice.{engine}") else notice, icon="ℹ️")
