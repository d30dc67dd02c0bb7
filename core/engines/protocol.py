"""What every engine returns, and the interface the runner relies on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

Message = dict[str, str]


@dataclass(frozen=True)
class Completion:
    """One model answer with its cost and timing."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency: float = 0.0
    finish_reason: str | None = None


class Engine(Protocol):
    """Anything that turns chat messages into a completion (the OpenAI client, the offline engine, a mock)."""

    name: str

    async def complete(self, messages: list[Message], response_format: dict | None = None) -> Completion:
        """Answer one request (as JSON when a response_format is given); raise EngineError when it fails."""
        ...

    def stream(
        self, messages: list[Message], on_usage: Callable[[Completion], None] | None = None
    ) -> AsyncIterator[str]:
        """Yield the answer's text as it is written; `on_usage` gets the totals at the end."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
