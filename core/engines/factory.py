"""Choosing an engine by name: the pages and the CLI both come through here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from core.engines.protocol import Engine
from core.errors import ConfigError
from core.settings import ModelSettings

if TYPE_CHECKING:
    from core.offline.fillers import Fillers

ENGINES = ("openai", "offline")
AUTO = "auto"
OFFLINE_NOTICE = (
    "No API key found: using the offline engine (대본 정리, extractive summaries and keywords only). "
    "Set OPENAI_API_KEY to use GPT."
)


def choose_engine(settings: ModelSettings, requested: str | None = None) -> tuple[str, str | None]:
    """The engine to use and a one-line notice when it was chosen for the user (None otherwise).

    Unasked ("auto" or None), the offline engine is chosen when there is neither a key nor a base URL; asked for by
    name, an engine is used as it is (openai without a key then fails with the OpenAI engine's own ConfigError).
    """
    if requested not in (None, AUTO, *ENGINES):
        raise ConfigError(
            f"No engine named '{requested}'. Engines: {', '.join(ENGINES)}", code="config.engine", name=requested
        )
    if requested in (None, AUTO):
        if not settings.resolved_key() and not settings.resolved_base_url():
            return "offline", OFFLINE_NOTICE
        return "openai", None
    return requested, None


def make_engine(
    settings: ModelSettings,
    name: str = "openai",
    task: str | None = None,
    *,
    fillers: Fillers | Iterable[str] | None = None,
    sentences: int | None = None,
) -> Engine:
    """A ready engine for `name`, configured from `settings`.

    The offline engine also takes the task (it refuses those that need a model), an edited filler list and the
    summary length in sentences; the OpenAI engine ignores those.
    """
    if name == "openai":
        from core.engines.openai_api import OpenAIEngine  # imported late: the import of openai costs ~0.5 s

        return OpenAIEngine(settings)
    if name == "offline":
        from core.offline.engine import OfflineEngine

        return OfflineEngine(task, fillers=fillers, sentences=sentences)
    raise ConfigError(f"No engine named '{name}'. Engines: {', '.join(ENGINES)}", code="config.engine", name=name)
