"""The fake OpenAI server, driven over HTTP by the real openai client (sync and async)."""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from testserver.server import FakeOpenAI

pytestmark = pytest.mark.timeout(30)

USER = "row 7: the customer asked about refunds"


def ask(client: openai.OpenAI, text: str = USER, **kw: Any) -> Any:
    """One chat completion with a single user message."""
    return client.chat.completions.create(
        model=kw.pop("model", "gpt-4o-mini"), messages=[{"role": "user", "content": text}], **kw
    )


def raw(
    srv: FakeOpenAI, method: str, path: str, body: bytes | None = None, key: str | None = "test-key"
) -> tuple[int, dict[str, str], Any]:
    """Plain HTTP call: (status, lower-case headers, parsed JSON body)."""
    req = urllib.request.Request(f"http://127.0.0.1:{srv.port}{path}", data=body, method=method)
    req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            status, headers, data = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        status, headers, data = err.code, err.headers, err.read()
    return status, {k.lower(): v for k, v in headers.items()}, json.loads(data)


def server_threads() -> list[threading.Thread]:
    """Live fake-server threads."""
    return [t for t in threading.enumerate() if t.name.startswith("fake-openai")]


@pytest.fixture(autouse=True)
def no_leaked_server_threads() -> Iterator[None]:
    yield
    assert server_threads() == []


@pytest.fixture
def srv() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def client(srv: FakeOpenAI) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=srv.base_url, api_key="test-key", max_retries=0) as c:
        yield c


def test_base_url_points_at_a_live_port(srv: FakeOpenAI) -> None:
    assert srv.base_url == f"http://127.0.0.1:{srv.port}/v1" and srv.port > 0


def test_completion_shape_usage_and_log(srv: FakeOpenAI, client: openai.OpenAI) -> None:
    reply = ask(client, model="gpt-4o")
    expected = "ECHO: " + USER
    assert reply.object == "chat.completion" and reply.model == "gpt-4o"
    assert reply.choices[0].message.content == expected and reply.choices[0].finish_reason == "stop"
    p, c = math.ceil(len(USER) / 4), math.ceil(len(expected) / 4)
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.usage.total_tokens) == (p, c, p + c)
    deadline = time.monotonic() + 2  # the server logs the finish just after the client has the reply
    while srv.requests[0].finished is None and time.monotonic() < deadline:
        time.sleep(0.005)
    (rec,) = srv.requests
    assert (rec.method, rec.path, rec.status, rec.auth_key) == ("POST", "/v1/chat/completions", 200, "test-key")
    assert "authorization" not in rec.headers and "test-key" not in json.dumps(rec.headers)
    assert rec.headers["content-type"] == "application/json" and rec.started <= rec.finished
    assert srv.chat_requests() == [rec.body] and rec.body["messages"][0]["content"] == USER


def test_last_user_message_is_echoed_and_system_counts_toward_prompt(client: openai.OpenAI) -> None:
    messages = [
        {"role": "system", "content": "x" * 40},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "second"},
    ]
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    assert reply.choices[0].message.content == "ECHO: second"
    assert reply.usage.prompt_tokens == math.ceil((40 + 5 + 2 + 6) / 4)


@pytest.mark.parametrize("include_usage", [True, False])
def test_streaming_yields_several_deltas_and_optional_usage(client: openai.OpenAI, include_usage: bool) -> None:
    stream = ask(client, stream=True, stream_options={"include_usage": include_usage})
    chunks = list(stream)
    deltas = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(deltas) >= 5 and "".join(deltas) == "ECHO: " + USER
    assert all(c.object == "chat.completion.chunk" and c.model == "gpt-4o-mini" for c in chunks)
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    usage_chunks = [c for c in chunks if c.usage is not None]
    if include_usage:
        assert len(usage_chunks) == 1 and chunks[-1] is usage_chunks[0] and chunks[-1].choices == []
        assert chunks[-1].usage.completion_tokens == math.ceil(len("ECHO: " + USER) / 4)
    else:
        assert usage_chunks == []


def test_stream_helper_assembles_final_completion(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream_options={"include_usage": True}
    ) as stream:
        texts = [e.delta for e in stream if e.type == "content.delta"]
        final = stream.get_final_completion()
    assert texts == ["", "ECHO", ": hi"]  # the opening role chunk carries content "", as OpenAI's does
    assert final.choices[0].message.content == "ECHO: hi" and final.usage.total_tokens == 1 + 2


def test_models_list(client: openai.OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert "gpt-4o-mini" in ids and len(ids) >= 3


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/v1/nope", None, 404, "unknown_url"),
        ("GET", "/v1/chat/completions", None, 404, "unknown_url"),
        ("POST", "/v1/chat/completions", b"{not json", 400, None),
        ("POST", "/v1/chat/completions", b'{"model": "m"}', 400, None),
        (
            "POST",
            "/v1/chat/completions",
            b'{"messages": [{"role": "user", "content": "[[401]]"}]}',
            401,
            "invalid_api_key",
        ),
        ("POST", "/v1/chat/completions", b'{"messages": [{"role": "user", "content": "[[500]]"}]}', 500, None),
    ],
)
def test_errors_are_openai_shaped(
    srv: FakeOpenAI, method: str, path: str, body: bytes | None, status: int, code: str | None
) -> None:
    got, headers, data = raw(srv, method, path, body)
    assert got == status and headers["content-type"] == "application/json"
    assert set(data["error"]) >= {"message", "type", "code"} and data["error"]["code"] == code
    assert data["error"]["message"] and srv.requests[-1].status == status


def test_429_carries_retry_after_headers(srv: FakeOpenAI, client: openai.OpenAI) -> None:
    srv.retry_after = 0.25
    with pytest.raises(openai.RateLimitError) as err:
        ask(client, "[[429]]")
    assert err.value.response.headers["retry-after"] == "1"
    assert err.value.response.headers["retry-after-ms"] == "250"
    assert err.value.code == "rate_limit_exceeded"


@pytest.mark.parametrize(("trigger", "first_status"), [("[[429]]", 429), ("[[500once]]", 500)])
def test_once_triggers_are_retried_by_sdk_and_succeed(srv: FakeOpenAI, trigger: str, first_status: int) -> None:
    with openai.OpenAI(base_url=srv.base_url, api_key="k", max_retries=2) as client:
        reply = ask(client, f"row 3 {trigger}")
    assert reply.choices[0].message.content == f"ECHO: row 3 {trigger}"
    assert [r.status for r in srv.requests] == [first_status, 200]
    assert srv.requests[1].headers["x-stainless-retry-count"] == "1"


def test_reset_clears_log_and_trigger_memory(srv: FakeOpenAI, client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError):
        ask(client, "[[429]]")
    assert ask(client, "[[429]]").choices[0].message.content == "ECHO: [[429]]"
    deadline = time.monotonic() + 5  # the client can have the answer before the server's handler has returned
    while srv.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    srv.reset()
    assert srv.requests == [] and srv.max_in_flight == 0
    with pytest.raises(openai.RateLimitError):
        ask(client, "[[429]]")


def test_500_trigger_exhausts_retries(srv: FakeOpenAI) -> None:
    with openai.OpenAI(base_url=srv.base_url, api_key="k", max_retries=2) as client:
        with pytest.raises(openai.InternalServerError):
            ask(client, "[[500]]")
    assert [r.status for r in srv.requests] == [500, 500, 500]


@pytest.mark.parametrize(
    ("require_key", "api_key", "ok"),
    [("sk-right", "sk-right", True), ("sk-right", "sk-wrong", False), (None, "anything", True)],
)
def test_require_key(srv: FakeOpenAI, require_key: str | None, api_key: str, ok: bool) -> None:
    srv.require_key = require_key
    with openai.OpenAI(base_url=srv.base_url, api_key=api_key, max_retries=2) as client:
        if ok:
            assert ask(client).choices[0].message.content == "ECHO: " + USER
            assert [m.id for m in client.models.list()]
        else:
            for call in (ask, lambda c: c.models.list()):
                with pytest.raises(openai.AuthenticationError) as err:
                    call(client)
                assert err.value.code == "invalid_api_key"
                assert err.value.message.startswith("Error code: 401 - Incorrect API key provided")
    assert {r.auth_key for r in srv.requests} == {api_key}
    assert len(srv.requests) == 2  # one chat call and one models call: a 401 is not retried


def test_401_trigger_raises_authentication_error(srv: FakeOpenAI, client: openai.OpenAI) -> None:
    with pytest.raises(openai.AuthenticationError):
        ask(client, "[[401]]")
    assert [r.status for r in srv.requests] == [401]


@pytest.mark.timeout(60)  # a hang lasts until shutdown: without the client's timeout or a clean stop this hangs
def test_hung_request_times_out_and_does_not_block_shutdown() -> None:
    srv = FakeOpenAI().start()
    with openai.OpenAI(base_url=srv.base_url, api_key="k", timeout=0.5, max_retries=0) as client:
        with pytest.raises(openai.APITimeoutError):
            ask(client, "[[hang]]")
    srv.stop()
    assert server_threads() == []
    assert srv.requests[0].status in (499, 503) and srv.in_flight == 0


def test_shutdown_releases_requests_still_waiting() -> None:
    srv, errors = FakeOpenAI().start(), []

    def waiter() -> None:
        with openai.OpenAI(base_url=srv.base_url, api_key="k", timeout=30, max_retries=0) as client:
            try:
                ask(client, "[[hang]]")
            except openai.APIError as exc:
                errors.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    while srv.in_flight == 0:
        time.sleep(0.01)
    srv.stop()
    thread.join(20)  # the client would wait 30 s for the hung request if the stop did not release it
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], openai.InternalServerError)
    assert srv.requests[0].status == 503


def test_latency_is_concurrent_across_async_requests() -> None:
    async def run(base_url: str) -> list[str]:
        async with openai.AsyncOpenAI(base_url=base_url, api_key="k", max_retries=0) as client:
            calls = [
                client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"row {i}"}])
                for i in range(16)
            ]
            return [r.choices[0].message.content for r in await asyncio.gather(*calls)]

    with FakeOpenAI(latency=0.3) as srv:
        t0 = time.monotonic()
        answers = asyncio.run(run(srv.base_url))
        elapsed = time.monotonic() - t0
        assert answers == [f"ECHO: row {i}" for i in range(16)]
        assert elapsed >= 0.3 and srv.max_in_flight >= 8  # concurrent: eight or more waited on the server at once
        assert all(r.finished - r.started >= 0.29 for r in srv.requests)


def test_knobs_change_at_runtime(srv: FakeOpenAI, client: openai.OpenAI) -> None:
    srv.responder = lambda body: body["model"].upper()
    assert ask(client).choices[0].message.content == "GPT-4O-MINI"
    srv.latency = 0.2
    t0 = time.monotonic()
    ask(client)
    assert time.monotonic() - t0 >= 0.2
    srv.responder = lambda body: 1 / 0
    with pytest.raises(openai.InternalServerError) as err:
        ask(client)
    assert "ZeroDivisionError" in err.value.message


@pytest.mark.parametrize(("knob", "bad_status"), [("error_500_rate", 500), ("error_429_rate", 429)])
def test_random_faults_are_seeded_and_reproducible(knob: str, bad_status: int) -> None:
    def statuses(srv: FakeOpenAI) -> list[int]:
        srv.reset()
        with openai.OpenAI(base_url=srv.base_url, api_key="k", max_retries=0) as client:
            for i in range(20):
                try:
                    ask(client, f"row {i}")
                except openai.APIStatusError:
                    pass
        return [r.status for r in srv.requests]

    with FakeOpenAI(seed=7, **{knob: 0.5}) as srv, FakeOpenAI(seed=7, **{knob: 0.5}) as twin:
        first = statuses(srv)
        assert set(first) == {200, bad_status}
        assert statuses(srv) == first and statuses(twin) == first  # reset reseeds; same seed, same run
        srv.seed = 8
        assert statuses(srv) != first


def test_hang_rate_one_hangs_every_request() -> None:
    with FakeOpenAI(hang_rate=1.0) as srv:
        with openai.OpenAI(base_url=srv.base_url, api_key="k", timeout=0.3, max_retries=0) as client:
            with pytest.raises(openai.APITimeoutError):
                ask(client)


async def burst(base_url: str, n: int, max_retries: int) -> list[Any]:
    """n concurrent completions; exceptions are returned, not raised."""
    async with openai.AsyncOpenAI(base_url=base_url, api_key="k", max_retries=max_retries) as client:
        calls = [
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": f"r{i}"}]) for i in range(n)
        ]
        return await asyncio.gather(*calls, return_exceptions=True)


@pytest.mark.parametrize(("rpm", "per_second"), [(60, 1), (120, 2), (300, 5)])
def test_rpm_limit_admits_ceil_rpm_over_60_per_second(rpm: int, per_second: int) -> None:
    with FakeOpenAI(rpm_limit=rpm) as srv:
        results = asyncio.run(burst(srv.base_url, per_second + 3, max_retries=0))
    limited = [r for r in results if isinstance(r, openai.RateLimitError)]
    assert len(results) - len(limited) == per_second and len(limited) == 3
    for err in limited:
        headers = err.response.headers
        assert 0 < int(headers["retry-after-ms"]) <= 1000 and headers["retry-after"] == "1"
        assert headers["x-ratelimit-limit-requests"] == str(rpm)
        assert headers["x-ratelimit-remaining-requests"] == "0"
        assert headers["x-ratelimit-reset-requests"].endswith("ms")


def test_rpm_limit_with_sdk_retries_spreads_requests_over_windows() -> None:
    with FakeOpenAI(rpm_limit=120) as srv:
        results = asyncio.run(burst(srv.base_url, 4, max_retries=6))
        admitted = sorted(r.started for r in srv.requests if r.status == 200)
    assert [r.choices[0].message.content for r in results] == [f"ECHO: r{i}" for i in range(4)]
    assert len(admitted) == 4
    # Any three admissions must span at least a second (two slots per window), less clock slack.
    assert all(later - earlier >= 0.99 for earlier, later in zip(admitted, admitted[2:]))


def test_cli_prints_base_url_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "testserver.server", "--port", "0", "--latency", "0.01"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        with openai.OpenAI(base_url=base_url, api_key="k", max_retries=0) as client:
            assert ask(client, "cli").choices[0].message.content == "ECHO: cli"
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0
