"""Settings with safe defaults: input limits and model-call parameters."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile or accidental file from exhausting time or memory."""

    max_bytes: int = 100 * MB
    max_rows: int = 200_000
    max_cell_chars: int = 50_000
    max_unzipped_bytes: int = 400 * MB
    max_zip_ratio: int = 200


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ModelSettings:
    """Everything needed to call an OpenAI-compatible endpoint (the key never leaves memory)."""

    model: str = "gpt-4o-mini"
    temperature: float = 0.2
    max_tokens: int = 1024
    concurrency: int = 8
    timeout: float = 120.0
    max_retries: int = 4
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)

    def resolved_key(self) -> str | None:
        """The key given here, else OPENAI_API_KEY."""
        return self.api_key or os.environ.get("OPENAI_API_KEY") or None

    def resolved_base_url(self) -> str | None:
        """The base URL given here, else OPENAI_BASE_URL."""
        return self.base_url or os.environ.get("OPENAI_BASE_URL") or None
