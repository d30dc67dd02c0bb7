"""Errors as messages a non-programmer understands, in the UI language; never a traceback."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from core.errors import CoreError
from ui.i18n import has, t

log = logging.getLogger("transcript_studio")


@dataclass(frozen=True)
class Explained:
    """What to tell the user: a plain sentence and, when it adds something, the technical detail."""

    text: str
    detail: str = ""


def _key(code: str) -> str | None:
    """The most specific translated message for an error code: engine.auth, then engine."""
    parts = code.split(".")
    for n in range(len(parts), 0, -1):
        key = "errors." + "_".join(parts[:n])
        if has(key):
            return key
    return None


def _params(params: dict) -> dict[str, str]:
    return {k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for k, v in params.items()}


def capture(exc: BaseException) -> BaseException:
    """Log an unexpected exception with its traceback (for the server log only); returns it to keep."""
    if not isinstance(exc, CoreError):
        log.error("unexpected error in the app", exc_info=exc)
    return exc


def explain(exc: BaseException) -> Explained:
    """A friendly message for any exception, in the current UI language."""
    if isinstance(exc, CoreError):
        key = _key(exc.code)
        if key is not None:
            try:
                return Explained(t(key, **_params(exc.params)), exc.message)
            except (KeyError, IndexError):  # a translation naming a param this error lacks
                return Explained(t(_key(exc.code.split(".")[0]) or "errors.unexpected"), exc.message)
        return Explained(t("errors.unexpected"), exc.message)
    first_line = str(exc).splitlines()[0][:200] if str(exc) else ""
    return Explained(t("errors.unexpected"), f"{type(exc).__name__}: {first_line}")


def kind_text(kind: str) -> str:
    """The message for a failed model call of this kind (auth, rate_limit, connection, ...)."""
    key = _key(f"engine.{kind}")
    return t(key) if key else t("errors.engine")


def show(problem: BaseException, where=None) -> None:
    """Draw an error box: the plain message, then the detail in small print."""
    where = where or st
    info = explain(problem)
    where.error(info.text, icon="⚠️")
    if info.detail and info.detail != info.text:
        where.caption(t("errors.detail", detail=info.detail))
