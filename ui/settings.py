"""Settings from this session's sidebar: the model, the engine they lead to, and the run options."""

from __future__ import annotations

import os

import streamlit as st

from core.engines.factory import choose_engine
from core.engines.layers import RunOptions
from core.offline.fillers import filler_entries
from core.settings import ModelSettings
from ui import state as S

AUTO = "auto"
KEY_NAME = "OPENAI_API_KEY"


def secret(name: str) -> object:
    """A Streamlit secret, or None when the server has no secrets file or no such secret."""
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets file at all: Streamlit raises rather than returning nothing
        return None


def secret_key() -> str | None:
    """OPENAI_API_KEY from Streamlit secrets, when the server has a secrets file with it."""
    value = secret(KEY_NAME)
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
    return ModelSettings(
        model=S.get(S.MODEL).strip() or ModelSettings.model,
        temperature=float(S.get(S.TEMPERATURE)),
        max_tokens=int(S.get(S.MAX_TOKENS)),
        concurrency=int(S.get(S.CONCURRENCY)),
        timeout=float(S.get(S.TIMEOUT)),
        max_retries=int(S.get(S.MAX_RETRIES)),
        base_url=S.get(S.BASE_URL).strip() or None,
        api_key=key,
    )


def requested_engine() -> str | None:
    """The engine the user picked, or None to let the core choose."""
    value = S.get(S.ENGINE)
    return None if value == AUTO else value


def engine_choice() -> tuple[str, str | None]:
    """(engine name, notice when the core chose it for the user); raises ConfigError for a bad name."""
    return choose_engine(model_settings(), requested_engine())


def run_options(reuse_answers: bool = True) -> RunOptions:
    """Pacing, budget and packing from the sidebar (0 there means no limit)."""
    return RunOptions(
        rpm=int(S.get(S.RPM)) or None,
        tpm=int(S.get(S.TPM)) or None,
        budget=float(S.get(S.BUDGET)) or None,
        pack=max(1, int(S.get(S.PACK))),
        reuse_answers=reuse_answers,
        fillers=fillers(),
    )


def fillers() -> tuple[str, ...] | None:
    """The offline engine's filler list as edited on the Rows page (None: the preset's)."""
    text = S.get(S.FILLERS)
    return None if text is None else filler_entries(text)
