"""Rows per second against a server with latency, rate limits and packing (the openai client over HTTP)."""

from __future__ import annotations

import time

from core.engines.layers import RunOptions, build_engine
from core.engines.tokens import count_messages
from core.rows.plan import RowPlan, row_plan
from core.rows.runner import run_rows_sync
from core.rows.templates import Template
from core.settings import ModelSettings
from testserver.server import FakeOpenAI

PLAN = RowPlan(Template("Answer briefly.", "{text}"), text_column="text")


def _rows(n: int, text: str = "row") -> list[dict]:
    return [{"text": f"{text} {i}"} for i in range(n)]


def _settings(srv: FakeOpenAI, concurrency: int, retries: int = 4) -> ModelSettings:
    return ModelSettings(
        api_key="bench", base_url=srv.base_url, concurrency=concurrency, max_retries=retries, timeout=30
    )


def _timed_run(
    srv: FakeOpenAI, rows: list[dict], concurrency: int, options: RunOptions = RunOptions(), plan: RowPlan = PLAN
) -> float:
    engine = build_engine(_settings(srv, concurrency), "openai", None, options)
    started = time.perf_counter()
    results = run_rows_sync(rows, plan, engine, concurrency=concurrency, pack=options.pack)
    elapsed = time.perf_counter() - started
    assert all(r.status == "ok" for r in results), "a benchmark row failed"
    return elapsed


def _sequential(srv: FakeOpenAI, rows: list[dict]) -> float:
    """The obvious first implementation: one synchronous request after another."""
    import openai

    client = openai.OpenAI(api_key="bench", base_url=srv.base_url)
    started = time.perf_counter()
    for row in rows:
        client.chat.completions.create(model="gpt-4o-mini", messages=PLAN.template.messages(row))
    client.close()
    return time.perf_counter() - started


def latency_bound(n: int = 1000, latency: float = 0.3, concurrency: int = 32, baseline_rows: int = 40) -> dict:
    """Wall time at 300 ms latency vs the ideal N·L/C, and the speed-up over a sequential loop."""
    with FakeOpenAI(latency=latency) as srv:
        ours = _timed_run(srv, _rows(n), concurrency)
        per_row = _sequential(srv, _rows(baseline_rows)) / baseline_rows
    ideal = n * latency / concurrency
    return {
        "rows": n,
        "seconds": ours,
        "ideal": ideal,
        "vs_ideal": ours / ideal,
        "sequential_estimate": per_row * n,
        "speedup": per_row * n / ours,
    }


def rate_limited(n: int = 400, rpm: int = 3000, concurrency: int = 64) -> dict:
    """At an RPM limit enforced per second: the share of requests that met a 429, and time vs the minimum."""
    with FakeOpenAI(rpm_limit=rpm, latency=0.05) as srv:
        seconds = _timed_run(srv, _rows(n), concurrency, RunOptions(rpm=rpm))
        statuses = [r.status for r in srv.requests if r.path.endswith("/chat/completions")]
    minimum = n / (rpm / 60)
    return {
        "rows": n,
        "seconds": seconds,
        "minimum": minimum,
        "vs_minimum": seconds / minimum,
        "share_429": statuses.count(429) / len(statuses),
        "requests": len(statuses),
    }


UTTERANCES = [
    "네 알겠습니다",
    "음 그건 다음 주에 다시 얘기해요",
    "어 제가 확인해 볼게요",
    "좋아요 그렇게 하죠",
    "그러니까 일정이 좀 늦어진다는 거죠",
    "아 네 맞아요",
    "막 급한 건 아니에요",
    "예산은 얼마나 남았죠",
]


def packing(n: int = 200, pack: int = 20) -> dict:
    """20 short Korean utterances per request vs one: requests and prompt tokens."""
    plan = row_plan(task="clean", text_column="text")
    rows = [{"text": UTTERANCES[i % len(UTTERANCES)] + f" ({i})"} for i in range(n)]
    out = {}
    for size in (1, pack):
        with FakeOpenAI() as srv:
            _timed_run(srv, rows, 16, RunOptions(pack=size), plan)
            bodies = srv.chat_requests()
        out[size] = (len(bodies), sum(count_messages(b["messages"], "gpt-4o-mini").tokens for b in bodies))
    return {
        "rows": n,
        "pack": pack,
        "requests_1": out[1][0],
        "requests_n": out[pack][0],
        "request_ratio": out[pack][0] / out[1][0],
        "tokens_1": out[1][1],
        "tokens_n": out[pack][1],
        "token_ratio": out[pack][1] / out[1][1],
    }


def overhead(n: int = 2000, concurrency: int = 32) -> dict:
    """Client overhead at zero latency: rows per second on this machine."""
    with FakeOpenAI() as srv:
        seconds = _timed_run(srv, _rows(n), concurrency)
    return {"rows": n, "seconds": seconds, "rows_per_second": n / seconds}
