"""Whose runs this session sees: a logged-in account, the one local user, or this session on a shared server."""

from __future__ import annotations

import os
import uuid

import streamlit as st

from core.store import LOCAL
from ui import state as S
from ui.settings import secret

ENV_SHARED = "TRANSCRIPT_STUDIO_SHARED"
SHARED_SECRET = "shared"
YES = ("1", "true", "yes", "on")


def shared() -> bool:
    """True when the server is set up for several people: TRANSCRIPT_STUDIO_SHARED=1 or the secret shared = true."""
    flag = os.environ.get(ENV_SHARED, "").strip().lower() in YES
    return flag or str(secret(SHARED_SECRET)).strip().lower() in YES


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
