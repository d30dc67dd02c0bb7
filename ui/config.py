"""Model settings from this session's sidebar, and the engine they lead to."""
from __future__ import annotations

import os

import streamlit as st

from core.engine import Engine
from core.engines import choose_engine, make_engine
from core.settings import ModelSettings
from ui import state as S

AUTO = "auto"
KEY_NAME = "OPENAI_API_KEY"


def secret_key() -> str | None:
    """OPENAI_API_KEY from Streamlit secrets, when the server has a secrets file with it."""
    try:
        value = st.secrets.get(KEY_NAME)
    except Exception:  # no secrets file at all: Streamlit raises rather than returning nothing
        return None
    return str(value) if value else None


def key_source() -> str:
    """Where the key comes from: session, env, secrets or none."""
    if S.get(S.API_KEY).strip():
        return "session"
    if os.environ.get(KEY_NAME):
        return "env"
    return "secrets" if secret_key() else "none"


def model_settings() -> ModelSettings:
    """The settings this session chose (key: typed here, else OPENAI_API_KEY, else secrets)."""
    typed = S.get(S.API_KEY).strip()
    key = typed or (None if os.environ.get(KEY_NAME) else secret_key())
    return ModelSettings(model=S.get(S.MODEL).strip() or ModelSettings.model,
                         temperature=float(S.get(S.TEMPERATURE)), max_tokens=int(S.get(S.MAX_TOKENS)),
                         concurrency=int(S.get(S.CONCURRENCY)), timeout=float(S.get(S.TIMEOUT)),
                         max_retries=int(S.get(S.MAX_RETRIES)), base_url=S.get(S.BASE_URL).strip() or None,
                         api_key=key)


def requested_engine() -> str | None:
    """The engine the user picked, or None to let the core choose."""
    value = S.get(S.ENGINE)
    return None if value == AUTO else value


def engine_choice() -> tuple[str, str | None]:
    """(engine name, notice when the core chose it for the user); raises ConfigError for a bad name."""
    return choose_engine(model_settings(), requested_engine())


def engine_for(task: str | None) -> Engine:
    """A ready engine for a run of `task` (raises ConfigError, e.g. when there is no key)."""
    settings = model_settings()
    name, _ = choose_engine(settings, requested_engine())
    return make_engine(settings, name, task=task)
