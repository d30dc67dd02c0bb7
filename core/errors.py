"""Typed errors raised by the core; the UI and CLI turn them into messages."""

from __future__ import annotations


class CoreError(Exception):
    """Base of every error the core raises on purpose; `code` is stable for translation."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.params = params


class InputError(CoreError):
    """A file that cannot be read as a table: wrong type, damaged, too large, empty."""

    code = "input"


class TemplateError(CoreError):
    """A prompt template that cannot be rendered against the table's columns."""

    code = "template"


class ConfigError(CoreError):
    """A setting, task name or option that does not make sense."""

    code = "config"


class EngineError(CoreError):
    """A model call that failed for good (after the client's retries)."""

    code = "engine"

    def __init__(self, message: str, *, kind: str = "error", status: int | None = None, **params: object) -> None:
        super().__init__(message, code=f"engine.{kind}", **params)
        self.kind = kind
        self.status = status
