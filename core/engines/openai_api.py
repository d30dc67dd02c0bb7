"""The OpenAI engine: the only module of the core that imports `openai`."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable, Mapping

import openai

from core.engines.protocol import Completion, Message
from core.errors import ConfigError, EngineError
from core.settings import ModelSettings

# Local servers (Ollama, vLLM, LM Studio, llama.cpp) accept any key, but the SDK insists on one.
PLACEHOLDER_KEY = "not-needed"
Observer = Callable[[int, Mapping[str, str]], None]


class OpenAIEngine:
    """Chat Completions over the official async client, with the SDK's own retries and timeouts."""

    name = "openai"

    def __init__(self, settings: ModelSettings, observer: Observer | None = None) -> None:
        key, base_url = settings.resolved_key(), settings.resolved_base_url()
        if not key and not base_url:
            raise ConfigError("No API key: set OPENAI_API_KEY, enter a key, or give a base URL.", code="config.no_key")
        self.settings = settings
        self._secret = key or ""
        self.observer = observer
        # Every HTTP response, retried ones included, so pacing sees each 429 the SDK retries.
        http = openai.DefaultAsyncHttpx2Client(event_hooks={"response": [self._observe]})
        self.client = openai.AsyncOpenAI(
            api_key=key or PLACEHOLDER_KEY,
            base_url=base_url,
            http_client=http,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        )

    async def _observe(self, response) -> None:
        if self.observer is not None:
            self.observer(response.status_code, response.headers)

    def _params(self) -> dict:
        return {
            "model": self.settings.model,
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }

    async def complete(self, messages: list[Message], response_format: dict | None = None) -> Completion:
        """Answer one request; raise EngineError with a plain reason when it fails for good."""
        started = time.perf_counter()
        extra = {"response_format": response_format} if response_format else {}
        try:
            resp = await self.client.chat.completions.create(messages=messages, **self._params(), **extra)
        except openai.OpenAIError as exc:
            raise self._translate(exc) from None
        choice = resp.choices[0] if resp.choices else None
        usage = resp.usage
        return Completion(
            text=(choice.message.content or "") if choice else "",
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            latency=time.perf_counter() - started,
            finish_reason=choice.finish_reason if choice else None,
        )

    async def stream(
        self, messages: list[Message], on_usage: Callable[[Completion], None] | None = None
    ) -> AsyncIterator[str]:
        """Yield text deltas as they arrive; `on_usage` receives the totals at the end."""
        started, parts, usage, finish = time.perf_counter(), [], None, None
        try:
            events = await self.client.chat.completions.create(
                messages=messages, stream=True, stream_options={"include_usage": True}, **self._params()
            )
            async for chunk in events:
                usage = chunk.usage or usage
                finish = (chunk.choices[0].finish_reason if chunk.choices else None) or finish
                delta = chunk.choices[0].delta.content if chunk.choices else None
                if delta:
                    parts.append(delta)
                    yield delta
        except openai.OpenAIError as exc:
            raise self._translate(exc) from None
        if on_usage:
            on_usage(
                Completion(
                    "".join(parts),
                    usage.prompt_tokens if usage else 0,
                    usage.completion_tokens if usage else 0,
                    time.perf_counter() - started,
                    finish,
                )
            )

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.client.close()

    def _translate(self, exc: openai.OpenAIError) -> EngineError:
        kind, status = _classify(exc)
        detail = _scrub(str(getattr(exc, "message", "") or exc), self._secret)
        return EngineError(f"{REASONS[kind]} ({detail})" if detail else REASONS[kind], kind=kind, status=status)


REASONS = {
    "auth": "The API key was refused",
    "permission": "This key may not use that model or endpoint",
    "rate_limit": "Rate limit or quota reached, still after retries",
    "timeout": "The request timed out",
    "connection": "Could not reach the endpoint",
    "not_found": "Model or endpoint not found",
    "bad_request": "The request was refused",
    "server": "The endpoint failed (server error), still after retries",
    "error": "The model call failed",
}
_BY_TYPE = [
    (openai.AuthenticationError, "auth"),
    (openai.PermissionDeniedError, "permission"),
    (openai.RateLimitError, "rate_limit"),
    (openai.APITimeoutError, "timeout"),
    (openai.APIConnectionError, "connection"),
    (openai.NotFoundError, "not_found"),
    (openai.BadRequestError, "bad_request"),
    (openai.UnprocessableEntityError, "bad_request"),
    (openai.InternalServerError, "server"),
]


def _classify(exc: openai.OpenAIError) -> tuple[str, int | None]:
    status = getattr(exc, "status_code", None)
    for cls, kind in _BY_TYPE:
        if isinstance(exc, cls):
            return kind, status
    return ("server" if status and status >= 500 else "error"), status


_KEYLIKE = re.compile(r"\bsk-[\w\-*]+|\S*\*{3,}\S*")


def _scrub(text: str, secret: str) -> str:
    """Remove the key (and the SDK's masked echo of it) from a message shown to users."""
    text = text.replace(secret, "***") if secret else text
    text = _KEYLIKE.sub("***", text)
    return text.split("\n")[0][:300]
