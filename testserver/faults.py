"""Reply shapes, fault decisions and the rate window used by testserver.server."""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

MODEL_IDS = ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-3.5-turbo")

# Checked in this order, so a message carrying several triggers gets the first one listed.
TRIGGERS = ("[[401]]", "[[500]]", "[[500once]]", "[[429]]", "[[hang]]")

ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: ("Invalid request body", "invalid_request_error", None),
    401: ("Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
    404: ("Invalid URL", "invalid_request_error", "unknown_url"),
    429: ("Rate limit reached for requests", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request. Sorry about that!", "server_error", None),
    503: ("The server is shutting down", "server_error", None),
}


@dataclass
class RecordedRequest:
    """One request as the fake server saw it."""

    method: str
    path: str
    body: Any
    headers: dict[str, str]
    auth_key: str | None
    started: float
    status: int | None = None
    finished: float | None = None


@dataclass
class FaultState:
    """Per-server memory for once-only triggers and the seeded random source."""

    seed: int | None = None
    seen: set[str] = field(default_factory=set)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)


def masked_key_message(key: str | None) -> str:
    """OpenAI's 401 text, which echoes the start and end of the key it refused."""
    shown = f"{key[:8]}{'*' * 12}{key[-4:]}" if key and len(key) > 12 else "(none)"
    return f"Incorrect API key provided: {shown}. You can find your API key at https://platform.openai.com/account/api-keys."


def error_body(status: int, message: str | None = None) -> dict[str, Any]:
    """OpenAI-shaped error JSON for an HTTP status."""
    default, kind, code = ERRORS.get(status, ("Error", "server_error", None))
    return {"error": {"message": message or default, "type": kind, "param": None, "code": code}}


def models_list() -> dict[str, Any]:
    """Body of GET /v1/models."""
    data = [{"id": m, "object": "model", "created": 1700000000, "owned_by": "openai"} for m in MODEL_IDS]
    return {"object": "list", "data": data}


def text_of(content: Any) -> str:
    """Plain text of a message content (a string or a list of content parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def last_user_text(body: dict[str, Any]) -> str:
    """Text of the last user message in a chat body, or ''."""
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            return text_of(message.get("content"))
    return ""


def echo_responder(body: dict[str, Any]) -> str:
    """Default reply: 'ECHO: ' + the last user message, whole; a packed JSON request gets one echo per item."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        try:
            items = json.loads(last_user_text(body))["items"]
        except (ValueError, KeyError, TypeError):
            items = None
        if isinstance(items, list):
            answers = [{"id": it.get("id"), "output": "ECHO: " + str(it.get("input", ""))} for it in items]
            return json.dumps({"answers": answers}, ensure_ascii=False)
    return "ECHO: " + last_user_text(body)


def estimate_tokens(text: str) -> int:
    """Deterministic token estimate: ceil(chars / 4), at least 1."""
    return max(1, math.ceil(len(text) / 4))


def usage_for(body: dict[str, Any], reply: str) -> dict[str, int]:
    """Usage block for a request body and its reply."""
    prompt = "".join(text_of(m.get("content")) for m in body.get("messages") or [] if isinstance(m, dict))
    p, c = estimate_tokens(prompt), estimate_tokens(reply)
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


def completion(cid: str, model: str, reply: str, usage: dict[str, int]) -> dict[str, Any]:
    """A non-streaming chat.completion object."""
    message = {"role": "assistant", "content": reply}
    choice = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
    return {
        "id": cid,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [choice],
        "usage": usage,
    }


def chunk(
    cid: str,
    model: str,
    delta: dict[str, Any] | None,
    finish: str | None = None,
    usage: dict[str, int] | None = None,
    with_usage_field: bool = False,
) -> dict[str, Any]:
    """One chat.completion.chunk; delta=None gives the usage-only chunk with no choices."""
    out: dict[str, Any] = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
    choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
    out["choices"] = [] if delta is None else [choice]
    if with_usage_field:
        out["usage"] = usage
    return out


def sse(data: dict[str, Any] | str) -> bytes:
    """One server-sent event line pair."""
    text = data if isinstance(data, str) else json.dumps(data)
    return f"data: {text}\n\n".encode()


def split_reply(reply: str, size: int) -> list[str]:
    """Reply cut into pieces of `size` characters (one empty piece for an empty reply)."""
    size = max(1, size)
    return [reply[i : i + size] for i in range(0, len(reply), size)] or [""]


def decide_fault(body: dict[str, Any], state: FaultState, rates: tuple[float, float, float]) -> str:
    """'ok', 'hang', '401', '429' or '500' for a chat body; rates are (hang, 500, 429)."""
    text = last_user_text(body)
    key = json.dumps(body, sort_keys=True)
    for trigger in TRIGGERS:
        if trigger not in text:
            continue
        if trigger in ("[[429]]", "[[500once]]"):
            if trigger + key in state.seen:
                break
            state.seen.add(trigger + key)
            return "429" if trigger == "[[429]]" else "500"
        return {"[[401]]": "401", "[[500]]": "500", "[[hang]]": "hang"}[trigger]
    # One draw per request keeps a seeded run reproducible whatever the rates are.
    draw, (hang, e500, e429) = state.rng.random(), rates
    if draw < hang:
        return "hang"
    if draw < hang + e500:
        return "500"
    return "429" if draw < hang + e500 + e429 else "ok"


class RateWindow:
    """Admits at most ceil(rpm / 60) requests in any rolling one-second window."""

    def __init__(self) -> None:
        self._admitted: deque[float] = deque()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every admission."""
        with self._lock:
            self._admitted.clear()

    def try_admit(self, rpm: int, now: float) -> tuple[bool, int, float]:
        """(admitted, remaining slots, seconds until a slot frees) for one request at `now`."""
        cap = max(1, math.ceil(rpm / 60))
        with self._lock:
            while self._admitted and now - self._admitted[0] >= 1.0:
                self._admitted.popleft()
            admitted = len(self._admitted) < cap
            if admitted:
                self._admitted.append(now)
            wait = 1.0 - (now - self._admitted[0]) if len(self._admitted) >= cap else 0.0
            return admitted, cap - len(self._admitted), max(0.0, wait)


def rate_headers(rpm: int, remaining: int, wait: float) -> dict[str, str]:
    """x-ratelimit-* headers (reset given in milliseconds, as OpenAI's duration strings)."""
    return {
        "x-ratelimit-limit-requests": str(rpm),
        "x-ratelimit-remaining-requests": str(remaining),
        "x-ratelimit-reset-requests": f"{math.ceil(wait * 1000)}ms",
    }


def retry_headers(seconds: float) -> dict[str, str]:
    """retry-after (whole seconds, per HTTP) and retry-after-ms (precise, preferred by the SDK)."""
    seconds = max(0.001, seconds)
    return {"retry-after": str(math.ceil(seconds)), "retry-after-ms": str(math.ceil(seconds * 1000))}
