"""UI strings as data (ui/locales/*.toml), looked up in the session's language."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import streamlit as st

from core.rows.tasks import get_task
from ui.state import CUSTOM, LANG

LOCALES = Path(__file__).parent / "locales"
LANGS = {"ko": "한국어", "en": "English"}
DEFAULT_LANG = "ko"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out |= _flatten(value, name + ".")
        else:
            out[name] = str(value)
    return out


@lru_cache(maxsize=len(LANGS))
def catalog(lang: str) -> dict[str, str]:
    """Every string of one language, by dotted key."""
    with open(LOCALES / f"{lang}.toml", "rb") as fh:
        return _flatten(tomllib.load(fh))


def lang() -> str:
    """The session's UI language."""
    value = st.session_state.get(LANG, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def has(key: str) -> bool:
    """Whether `key` is a known string."""
    return key in catalog(DEFAULT_LANG)


def t(key: str, **params: object) -> str:
    """The string `key` in the session's language, with {params} filled in."""
    text = catalog(lang()).get(key) or catalog(DEFAULT_LANG).get(key) or key
    return text.format(**params)


def browser_lang() -> str:
    """The language the browser asks for: Korean for ko-*, English for any other, Korean when unknown."""
    try:
        locale = st.context.locale
    except Exception:  # no browser behind this run (bare script, some test harnesses)
        locale = None
    if not locale:
        return DEFAULT_LANG
    return "ko" if locale.lower().startswith("ko") else "en"


def task_title(name: str, both: bool = False) -> str:
    """A task's display name in the UI language (with the other language's title when `both`)."""
    if name == CUSTOM:
        return t("task.custom")
    task = get_task(name)
    first, other = (task.title_ko, task.title_en) if lang() == "ko" else (task.title_en, task.title_ko)
    return f"{first} · {other}" if both else first
