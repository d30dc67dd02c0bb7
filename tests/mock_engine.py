"""A scripted engine for unit tests: answers from a function, records every request."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

from core.engines.protocol import Completion, Message
from core.errors import EngineError


def last_user(messages: list[Message]) -> str:
    """The content of the last user message."""
    return [m["content"] for m in messages if m["role"] == "user"][-1]


class MockEngine:
    """Answers "echo:<user message>" (or `answer(messages)`); `fail_on` text makes a row fail."""

    name = "mock"

    def __init__(
        self, answer: Callable[[list[Message]], str] | None = None, *, fail_on: str = "FAIL", delay: float = 0.0
    ) -> None:
        self.answer = answer or (lambda msgs: "echo:" + last_user(msgs))
        self.fail_on, self.delay = fail_on, delay
        self.calls: list[list[Message]] = []
        self.in_flight = self.max_in_flight = 0
        self.closed = False
        self.formats: list[dict | None] = []

    def _packed(self, messages: list[Message]) -> str:
        items = json.loads(last_user(messages))["items"]
        answers = [{"id": it["id"], "output": self.answer([{"role": "user", "content": it["input"]}])} for it in items]
        return json.dumps({"answers": answers}, ensure_ascii=False)

    async def complete(self, messages: list[Message], response_format: dict | None = None) -> Completion:
        """Record the request, wait `delay`, answer or fail (a packed request gets one answer per item)."""
        self.calls.append(messages)
        self.formats.append(response_format)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if self.fail_on and self.fail_on in last_user(messages):
                raise EngineError("The endpoint failed (server error), still after retries", kind="server", status=500)
            text = self._packed(messages) if response_format else self.answer(messages)
            return Completion(
                text, prompt_tokens=len(last_user(messages)), completion_tokens=len(text), latency=self.delay or 0.001
            )
        finally:
            self.in_flight -= 1

    async def stream(self, messages: list[Message], on_usage=None) -> AsyncIterator[str]:
        """Yield the answer in three pieces."""
        done = await self.complete(messages)
        third = max(1, len(done.text) // 3)
        for i in range(0, len(done.text), third):
            yield done.text[i : i + third]
        if on_usage:
            on_usage(done)

    async def aclose(self) -> None:
        """Mark closed."""
        self.closed = True
