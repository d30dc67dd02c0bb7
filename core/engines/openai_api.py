"""The OpenAI engine: the only module of the core that imports `openai`."""

from __future__ import annotations

import json
import platform
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping

import openai

from core.engines.protocol import Completion, Message
from core.errors import ConfigError, EngineError
from core.settings import ModelSettings

# Local servers (Ollama, vLLM, LM Studio, llama.cpp) accept any key, but the SDK insists on one.
PLACEHOLDER_KEY = "not-needed"
Observer = Callable[[int, Mapping[str, str], float], None]
# The SDK's own request path, auth included, with a body we serialize once: `chat.completions.create` would walk
# every parameter through its type transforms and build pydantic models of the reply, per call.
CHAT_PATH, CHAT_OPTIONS = "/chat/completions", {"security": {"bearer_auth": True}}


class OpenAIEngine:
    """Chat Completions over the official async client, with the SDK's own retries and timeouts."""

    name = "openai"

    def __init__(self, settings: ModelSettings, observer: Observer | None = None) -> None:
        key, base_url = settings.resolved_key(), settings.resolved_base_url()
        if not key and not base_url:
            raise ConfigError("No API key: set OPENAI_API_KEY, enter a key, or give a base URL.", code="config.no_key")
        # The SDK reads the platform for its headers in a worker thread at the first requests; that thread's
        # file reads wait on the interpreter while the first wave is being built. Read here, it is cached.
        platform.platform()
        self.settings = settings
        self._secret = key or ""
        self.observer = observer
        # The SDK's aiohttp transport parses HTTP in C: a third less client CPU per request than its default,
        # which is what keeps up with 128 in flight on two cores. Every HTTP response, retried ones included,
        # reaches the observer, so pacing sees each 429 the SDK retries.
        http = openai.DefaultAioHttpClient(event_hooks={"request": [_stamp], "response": [self._observe]})
        self.client = openai.AsyncOpenAI(
            api_key=key or PLACEHOLDER_KEY,
            base_url=base_url,
            http_client=http,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        )

    async def _observe(self, response) -> None:
        if self.observer is not None:
            sent = response.request.extensions.get(SENT, time.monotonic())
            self.observer(response.status_code, response.headers, sent)

    def _params(self) -> dict:
        return {
            "model": self.settings.model,
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }

    def body(self, messages: list[Message], response_format: dict | None = None) -> bytes:
        """The request body as sent: the settings' parameters and these messages, serialized once."""
        params = self._params() | {"messages": messages}
        if response_format:
            params["response_format"] = response_format
        return json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode()

    async def complete(self, messages: list[Message], response_format: dict | None = None) -> Completion:
        """Answer one request; raise EngineError with a plain reason when it fails for good."""
        started = time.perf_counter()
        try:
            reply = await self.client.post(
                CHAT_PATH, cast_to=object, content=self.body(messages, response_format), options=CHAT_OPTIONS
            )
        except openai.OpenAIError as exc:
            raise self._translate(exc) from None
        return _completion(reply, time.perf_counter() - started)

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
        refusal = _refusal(exc) if kind == "connection" else None  # its own words, not the transport's "timed out"
        detail = _scrub(str(refusal or getattr(exc, "message", "") or exc), self._secret)
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

    def files_named(self, name: str) -> list[str]:
        """Ids of the uploaded batch files called `name` (for a kill between upload and save)."""
        page = self._call(self.client.files.list, purpose="batch")
        return [f.id for f in page if f.filename == name]

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


SENT = "transcript_studio.sent"


async def _stamp(request) -> None:
    request.extensions[SENT] = time.monotonic()  # read back when its response arrives, for the pacer


def _completion(reply: object, latency: float) -> Completion:
    """A Completion from the reply's JSON; a reply of another shape is a failure, not a crash."""
    try:
        choices, usage = reply.get("choices") or [], reply.get("usage") or {}  # type: ignore[union-attr]
        choice = choices[0] if choices else {}
        return Completion(
            text=(choice.get("message") or {}).get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            latency=latency,
            finish_reason=choice.get("finish_reason"),
        )
    except (AttributeError, TypeError, ValueError):
        raise EngineError(f"{REASONS['error']} (unexpected reply: {str(reply)[:100]})", kind="error") from None


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
    if isinstance(exc, openai.APITimeoutError) and _refusal(exc) is not None:
        return "connection", status
    for cls, kind in _BY_TYPE:
        if isinstance(exc, cls):
            return kind, status
    return ("server" if status and status >= 500 else "error"), status


def _refusal(exc: BaseException) -> OSError | None:
    """The error of a connection that failed without timing out (the aiohttp transport reports it as a connect
    timeout), or None."""
    causes, seen = [], exc.__cause__ or exc.__context__
    while seen is not None and len(causes) < 10:
        causes.append(seen)
        seen = seen.__cause__ or seen.__context__
    if any(isinstance(c, TimeoutError) for c in causes):
        return None
    return next((c for c in causes if isinstance(c, OSError)), None)


_KEYLIKE = re.compile(r"\bsk-[\w\-*]+|\S*\*{3,}\S*")


def _scrub(text: str, secret: str) -> str:
    """Remove the key (and the SDK's masked echo of it) from a message shown to users."""
    text = text.replace(secret, "***") if secret else text
    text = _KEYLIKE.sub("***", text)
    return text.split("\n")[0][:300]
