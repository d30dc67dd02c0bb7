"""The OpenAI engine driven over HTTP against our local server: answers, streaming, faults, secrets."""

import asyncio
import platform
import threading

import pytest

from core.engines.openai_api import OpenAIEngine
from core.errors import ConfigError, EngineError
from core.rows.plan import RowPlan
from core.rows.runner import run_rows_sync
from core.rows.templates import Template
from core.settings import ModelSettings
from testserver.server import FakeOpenAI

KEY = "sk-test-planted-0123456789abcdef"


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as srv:
        yield srv


@pytest.fixture(autouse=True)
def clean(server):
    server.reset()
    server.latency, server.require_key = 0.0, None
    yield


def engine(server, **kw):
    opts = {"api_key": KEY, "base_url": server.base_url, "max_retries": 2, "timeout": 5.0} | kw
    return OpenAIEngine(ModelSettings(**opts))


async def ask(eng, text):
    try:
        return await eng.complete([{"role": "system", "content": "S"}, {"role": "user", "content": text}])
    finally:
        await eng.aclose()


def test_completion_with_usage_and_the_request_we_sent(server):
    done = asyncio.run(ask(engine(server, model="m-1", temperature=0.7, max_tokens=77), "안녕하세요"))
    assert done.text == "ECHO: 안녕하세요" and done.prompt_tokens > 0 and done.completion_tokens > 0
    body = server.chat_requests()[0]
    assert body["model"] == "m-1" and body["temperature"] == 0.7 and body["max_tokens"] == 77
    assert body["messages"][0] == {"role": "system", "content": "S"}
    assert server.requests[0].auth_key == KEY


def test_streaming_yields_several_deltas_and_usage(server):
    eng, usage = engine(server), []

    async def go():
        parts = [
            d
            async for d in eng.stream([{"role": "user", "content": "회의 내용을 요약해 주세요"}], on_usage=usage.append)
        ]
        await eng.aclose()
        return parts

    parts = asyncio.run(go())
    assert len(parts) > 1 and "".join(parts) == "ECHO: 회의 내용을 요약해 주세요"
    assert usage[0].prompt_tokens > 0 and usage[0].text == "".join(parts) and usage[0].finish_reason == "stop"


def test_429_with_retry_after_is_retried_by_the_sdk(server):
    assert asyncio.run(ask(engine(server), "[[429]] x")).text == "ECHO: [[429]] x"
    assert [r.status for r in server.requests] == [429, 200]


@pytest.mark.parametrize("marker, kind, status", [("[[500]]", "server", 500), ("[[401]]", "auth", 401)])
def test_failures_become_typed_errors(server, marker, kind, status):
    with pytest.raises(EngineError) as err:
        asyncio.run(ask(engine(server, max_retries=1), marker))
    assert err.value.kind == kind and err.value.status == status


@pytest.mark.timeout(60)  # the request hangs until the server stops: only the client's timeout ends it
def test_hung_request_times_out(server):
    with pytest.raises(EngineError) as err:
        asyncio.run(ask(engine(server, timeout=0.5, max_retries=0), "[[hang]]"))
    assert err.value.kind == "timeout"


def test_unreachable_endpoint_is_a_connection_error():
    eng = OpenAIEngine(ModelSettings(api_key=KEY, base_url="http://127.0.0.1:9/v1", max_retries=0, timeout=2))
    with pytest.raises(EngineError) as err:
        asyncio.run(ask(eng, "x"))
    assert err.value.kind == "connection"
    assert "timed out" not in err.value.message  # the refusal's own words, not the transport's


def _chain(*excs: BaseException) -> BaseException:
    for outer, inner in zip(excs, excs[1:]):
        outer.__cause__ = inner
    return excs[0]


@pytest.mark.parametrize(
    "chain, refused",
    [
        ((OSError("x"), ConnectionRefusedError(111, "refused")), True),  # aiohttp's ClientConnectorError is an OSError
        ((OSError("x"), TimeoutError("connect timed out")), False),
        ((ValueError("x"), TimeoutError("read timed out")), False),
        ((ValueError("no cause"),), False),
    ],
)
def test_a_refused_connection_is_told_apart_from_a_timeout(chain, refused):
    from core.engines.openai_api import _refusal

    assert (_refusal(_chain(RuntimeError("outer"), *chain)) is not None) is refused


def test_requests_go_through_the_sdks_aiohttp_transport(server):
    import openai

    assert isinstance(engine(server).client._client, openai.DefaultAioHttpClient)


def test_the_platform_is_read_when_the_engine_is_made_not_during_the_first_wave(server, monkeypatch):
    # The SDK looks the platform up in a worker thread on its first requests; read cold, in that thread, it waited
    # on the interpreter for every chunk of the file it reads while the first wave was being built.
    readers, read = [], platform.platform
    monkeypatch.setattr(platform, "platform", lambda *a, **k: (readers.append(threading.current_thread()), read())[1])
    eng = engine(server)
    assert readers == [threading.current_thread()]
    assert asyncio.run(ask(eng, "하나")).text == "ECHO: 하나"


def test_wrong_key_message_never_shows_the_key(server):
    server.require_key = "the-right-key"
    with pytest.raises(EngineError) as err:
        asyncio.run(ask(engine(server, max_retries=0), "x"))
    assert err.value.kind == "auth" and KEY not in str(err.value) and KEY[:8] not in err.value.message


def test_no_key_and_no_endpoint_is_a_config_error(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ConfigError):
        OpenAIEngine(ModelSettings())


def test_local_endpoint_without_key_works(server, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    eng = OpenAIEngine(ModelSettings(base_url=server.base_url))
    assert asyncio.run(ask(eng, "ollama")).text == "ECHO: ollama"


def test_env_variables_are_the_defaults(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    assert asyncio.run(ask(OpenAIEngine(ModelSettings()), "env")).text == "ECHO: env"


def test_rows_run_concurrently_over_http_and_one_failure_stays_local(server):
    server.latency = 0.2
    rows = [{"t": f"row {i}"} for i in range(15)] + [{"t": "[[500]] bad"}]
    results = run_rows_sync(rows, RowPlan(Template("S", "{t}")), engine(server, max_retries=0), concurrency=8)
    assert [r.output for r in results[:15]] == [f"ECHO: row {i}" for i in range(15)]
    assert results[15].status == "failed" and "server error" in results[15].error
    assert server.max_in_flight >= 8  # eight requests were waiting on the server at once
