"""Choosing an engine by name: the pages and the CLI both come through here."""
from __future__ import annotations

from .engine import Engine
from .errors import ConfigError
from .settings import ModelSettings

ENGINES = ("openai",)


def choose_engine(settings: ModelSettings, requested: str | None = None) -> tuple[str, str | None]:
    """The engine to use and a one-line notice when it was chosen for the user (None otherwise)."""
    if requested is not None and requested not in ENGINES:
        raise ConfigError(f"No engine named '{requested}'. Engines: {', '.join(ENGINES)}",
                          code="config.engine", name=requested)
    return requested or "openai", None


def make_engine(settings: ModelSettings, name: str = "openai", task: str | None = None) -> Engine:
    """A ready engine for `name`, configured from `settings` (`task` matters to engines without a model)."""
    if name == "openai":
        from .engine_openai import OpenAIEngine  # imported late: the import of openai costs ~0.5 s
        return OpenAIEngine(settings)
    raise ConfigError(f"No engine named '{name}'. Engines: {', '.join(ENGINES)}", code="config.engine", name=name)
