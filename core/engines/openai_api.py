"""The OpenAI engine: the only module of the core that imports `openai`."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping

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


class BatchTransport:
    """Files and Batches over the official sync client: the batch route's one door to the service."""

    def __init__(self, settings: ModelSettings) -> None:
        key, base_url = settings.resolved_key(), settings.resolved_base_url()
        if not key and not base_url:
            raise ConfigError("No API key: set OPENAI_API_KEY, enter a key, or give a base URL.", code="config.no_key")
        self._secret = key or ""
        self.client = openai.OpenAI(
            api_key=key or PLACEHOLDER_KEY,
            base_url=base_url,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        )

    def _call(self, fn: Callable, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except openai.OpenAIError as exc:
            kind, status = _classify(exc)
            detail = _scrub(str(getattr(exc, "message", "") or exc), self._secret)
            raise EngineError(f"{REASONS[kind]} ({detail})", kind=kind, status=status) from None

    def upload(self, path: str) -> str:
        """Upload a JSONL file of requests (purpose "batch"), streamed from disk; its file id."""
        with open(path, "rb") as fh:
            return self._call(self.client.files.create, file=fh, purpose="batch").id

    def create(self, file_id: str, metadata: dict[str, str]) -> dict:
        """Start a batch of chat completions over an uploaded file, within 24 h."""
        batch = self._call(
            self.client.batches.create,
            input_file_id=file_id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata=metadata,
        )
        return batch.model_dump()

    def retrieve(self, batch_id: str) -> dict:
        """The batch as the service sees it now."""
        return self._call(self.client.batches.retrieve, batch_id).model_dump()

    def cancel(self, batch_id: str) -> dict:
        """Ask the service to stop the batch (answers so far are kept)."""
        return self._call(self.client.batches.cancel, batch_id).model_dump()

    def find(self, key: str, value: str, scan: int = 1000) -> list[dict]:
        """The latest `scan` batches whose metadata[key] is `value` (for a kill between create and save)."""
        found, page = [], self._call(self.client.batches.list, limit=100)
        for n, batch in enumerate(page):
            if n >= scan:
                break
            if (batch.metadata or {}).get(key) == value:
                found.append(batch.model_dump())
        return found

    def lines(self, file_id: str) -> Iterator[str]:
        """A result file's lines, streamed."""
        try:
            with self.client.files.with_streaming_response.content(file_id) as response:
                rest = b""
                for chunk in response.iter_bytes(1 << 20):  # big reads: line-by-line decoding is slow
                    *whole, rest = (rest + chunk).split(b"\n")
                    yield from (line.decode("utf-8") for line in whole)
                if rest.strip():
                    yield rest.decode("utf-8")
        except openai.OpenAIError as exc:
            self._call(_reraise, exc)

    def delete(self, file_id: str) -> None:
        """Delete an uploaded or result file; one already gone is fine."""
        try:
            self.client.files.delete(file_id)
        except openai.NotFoundError:
            pass
        except openai.OpenAIError as exc:
            self._call(_reraise, exc)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()


def _reraise(exc: Exception) -> None:
    raise exc


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
