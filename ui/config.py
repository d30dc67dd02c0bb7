"""Model settings from this session's sidebar, the engine they lead to, the run options and the run store."""

from __future__ import annotations

import os
import sqlite3
import uuid

import streamlit as st

from core.engines.factory import choose_engine
from core.engines.layers import RunOptions
from core.errors import ConfigError
from core.loaders import Table
from core.offline.fillers import filler_entries
from core.rows.plan import RowPlan
from core.rows.service import RunJob
from core.settings import ModelSettings
from core.store import LOCAL, Store, default_store_path
from ui import state as S

AUTO = "auto"
KEY_NAME = "OPENAI_API_KEY"
ENV_SHARED = "TRANSCRIPT_STUDIO_SHARED"
SHARED_SECRET = "shared"
YES = ("1", "true", "yes", "on")


def _secret(name: str) -> object:
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets file at all: Streamlit raises rather than returning nothing
        return None


def secret_key() -> str | None:
    """OPENAI_API_KEY from Streamlit secrets, when the server has a secrets file with it."""
    value = _secret(KEY_NAME)
    return str(value) if value else None


def shared() -> bool:
    """True when the server is set up for several people: TRANSCRIPT_STUDIO_SHARED=1 or the secret shared = true."""
    flag = os.environ.get(ENV_SHARED, "").strip().lower() in YES
    return flag or str(_secret(SHARED_SECRET)).strip().lower() in YES


def logged_in_user() -> str | None:
    """The viewer's e-mail (else subject id) when logged in through st.login, else None."""
    try:
        if st.user.get("is_logged_in") is not True:
            return None
        who = st.user.get("email") or st.user.get("sub")
    except Exception:  # st.user needs a script run; without auth it has no keys at all
        return None
    return str(who) if who else None


def owner_kind() -> str:
    """Whose runs this session sees: "account" (logged in), "local" (one person) or "session" (shared server)."""
    if logged_in_user():
        return "account"
    return "session" if shared() else "local"


def owner() -> str:
    """The owner of this session's runs: "user:<email>", "local", or on a shared server "session:<uuid>"."""
    kind = owner_kind()
    if kind == "account":
        return f"user:{logged_in_user()}"
    if kind == "local":
        return LOCAL
    if not S.get(S.OWNER):
        S.put(S.OWNER, f"session:{uuid.uuid4().hex}")
    return S.get(S.OWNER)


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


def run_job(plan: RowPlan, table: Table, reuse_answers: bool = True) -> RunJob:
    """The row run the CLI would do with this session's table, plan and settings."""
    return RunJob(
        table.df,
        S.get(S.UPLOAD)["name"],
        plan,
        model_settings(),
        run_options(reuse_answers),
        requested_engine(),
        owner(),
    )


def store() -> Store:
    """This session's connection to the run store (TRANSCRIPT_STUDIO_STORE, else the user's default file)."""
    path, held = default_store_path(), S.get(S.STORE)
    if held is None or held.path != path:
        try:
            held = Store(path)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"The run store {path} cannot be opened: {exc}", code="config.store", path=str(path)
            ) from None
        S.put(S.STORE, held)
    return held
