"""This session's connection to the run store, opened on first use."""

from __future__ import annotations

import sqlite3

from core.errors import ConfigError
from core.store import Store, default_store_path
from ui import state as S


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
