"""Pacing: evenly spaced starts under RPM/TPM, a 429 slows everyone, headers are honoured."""

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.engines import pacing
from core.engines.layers import BudgetedEngine, PacedEngine, RunOptions, build_engine
from core.engines.pacing import REQUEST_HEADROOM, Pacer, parse_duration
from core.engines.protocol import Completion
from core.engines.tokens import count_messages
from core.errors import EngineError
from core.rows.plan import RowPlan
from core.rows.runner import run_rows_sync
from core.rows.templates import Template
from core.settings import ModelSettings
from tests.mock_engine import MockEngine


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("1s", 1.0),
        ("6m0s", 360.0),
        ("20ms", 0.02),
        ("1.5", 1.5),
        ("1h2m", 3720.0),
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_requests_are_spaced_evenly_not_burst():
    clock = Clock()
    pacer = Pacer(rpm=600, clock=clock)
    starts = [pacer.reserve(10) for _ in range(11)]
    gaps = {round(b - a, 6) for a, b in zip(starts, starts[1:])}
    assert starts[0] == 100.0 and len(gaps) == 1
    assert gaps.pop() == pytest.approx(0.1 / REQUEST_HEADROOM, abs=1e-5)
    assert sum(1 for s in starts if s < 101.0) <= 10  # never more than the per-second share


def test_starts_the_loop_let_out_late_do_not_crowd_a_window():
    # 1,200 RPM: 20 in any second, a start every ~0.05 s. The loop stalls for 0.25 s after the second start, so the
    # starts reserved for 0.1-0.3 s leave together; spacing alone would then put 22 starts in the second after them.
    pacer = Pacer(rpm=1200)
    left: list[float] = []

    async def one() -> None:
        await pacer.acquire()
        left.append(time.monotonic())
        if len(left) == 2:
            time.sleep(0.25)  # a busy event loop: nothing else runs meanwhile

    async def go() -> None:
        await asyncio.gather(*(one() for _ in range(45)))

    asyncio.run(go())
    left.sort()
    assert len(left) == 45
    assert left[6] - left[2] < 0.05  # the stall did bunch them
    assert min(b - a for a, b in zip(left, left[20:])) >= 1.0  # never 21 starts in a second, as the server counts


@pytest.mark.parametrize("rpm", [30, 90, 600, 3000])
def test_the_window_keeps_a_second_within_the_limit_and_never_holds_the_pace_below_it(rpm, monkeypatch):
    clock = Clock()

    async def sleep(seconds: float) -> None:  # a simulated clock: waiting moves it on
        clock.now += max(0.0, seconds)

    monkeypatch.setattr(pacing.asyncio, "sleep", sleep)
    pacer = Pacer(rpm=rpm, clock=clock)
    starts: list[float] = []

    async def go() -> None:
        for _ in range(40):
            await pacer.acquire()
            starts.append(clock.now)

    asyncio.run(go())
    cap = -(-rpm // 60)  # what the server admits in any second
    assert all(b - a >= 1.0 for a, b in zip(starts, starts[cap:]))
    assert (len(starts) - 1) / (starts[-1] - starts[0]) >= 0.95 * rpm / 60


def test_token_limit_allows_one_second_of_burst_then_paces():
    clock = Clock()
    pacer = Pacer(tpm=60_000, clock=clock)  # 1,000 tokens per second
    starts = [pacer.reserve(500) for _ in range(6)]
    assert starts[:2] == [100.0, 100.0] and all(b >= a for a, b in zip(starts, starts[1:]))
    assert starts[-1] - 100.0 == pytest.approx(5 * 500 / 950 - 1.0, abs=0.01)


def test_429_pauses_everyone_and_slows_the_pace_for_about_a_second():
    clock = Clock()
    pacer = Pacer(rpm=600, clock=clock)
    pacer.reserve(1)
    pacer.observe(429, {"retry-after": "2"})
    assert pacer.reserve(1) >= 102.0 and pacer.factor < 1.0 and pacer.throttled == 1
    clock.now = 102.5
    assert 0.8 < pacer.factor < 1.0  # recovering, linearly
    clock.now = 103.0
    assert pacer.factor == 1.0  # back to the full pace a second after the pause


@pytest.mark.parametrize(
    "headers, wait",
    [
        ({"retry-after-ms": "250", "retry-after": "1"}, 0.25),  # the precise header wins
        ({"retry-after": "0.4"}, 0.4),  # fractional seconds
        ({"retry-after": "3"}, 3.0),
        ({}, 1.0),  # nothing said: a second
    ],
)
def test_429_waits_exactly_as_long_as_the_server_asks(headers, wait):
    clock = Clock()
    pacer = Pacer(rpm=600, clock=clock)
    pacer.observe(429, headers)
    assert pacer.pause_until == pytest.approx(100.0 + wait)
    assert pacer.reserve(1) >= 100.0 + wait


def test_a_burst_of_429s_slows_no_more_than_half_and_the_retries_take_their_slots():
    clock = Clock()
    pacer = Pacer(rpm=3000, clock=clock)
    for _ in range(9):  # nine 429s in one second, as seen in the issue
        pacer.observe(429, {"retry-after-ms": "20"})
    assert pacer.factor == pytest.approx(0.5)
    first = pacer.reserve(1)
    assert first >= 100.02 + 8 / 50  # after the pause and after the nine retries the SDK sends
    clock.now = 101.1
    assert pacer.factor == 1.0


def test_starts_reserved_before_a_429_wait_for_its_pause():
    pacer = Pacer(rpm=600)  # a start every ~0.1 s
    started: list[float] = []
    pause: list[float] = []

    async def one() -> None:
        await pacer.acquire()
        started.append(time.monotonic())
        if len(started) == 1:  # the others have their starts reserved already, 0.1-0.3 s ahead
            pacer.observe(429, {"retry-after-ms": "300"})
            pause.append(pacer.pause_until)

    async def go() -> None:
        await asyncio.gather(*(one() for _ in range(4)))

    asyncio.run(go())
    assert len(started) == 4 and all(t >= pause[0] for t in started[1:])
    assert pacer.throttled == 1


def test_reset_of_an_exhausted_limit_counts_from_when_the_request_was_sent():
    clock = Clock()
    pacer = Pacer(rpm=600, clock=clock)
    pacer.observe(200, {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "500ms"}, sent=99.7)
    assert pacer.reserve(1) == pytest.approx(100.2)


def test_exhausted_limit_header_waits_for_reset():
    clock = Clock()
    pacer = Pacer(rpm=600, clock=clock)
    pacer.observe(200, {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "3s"})
    assert pacer.reserve(1) == pytest.approx(103.0)


def test_paced_engine_waits_between_requests():
    engine = PacedEngine(MockEngine(), Pacer(rpm=1200), "gpt-4o-mini", 10)
    rows = [{"t": str(i)} for i in range(6)]
    started = time.monotonic()
    run_rows_sync(rows, RowPlan(Template("", "{t}")), engine, concurrency=6)
    assert time.monotonic() - started >= 5 * 0.05


ROOT = Path(__file__).resolve().parent.parent
SPEC = RowPlan(Template("", "{t}"))


class HonestUsage(MockEngine):
    """Reports the usage OpenAI would bill: the counted prompt and a 100-token answer."""

    async def complete(self, messages, response_format=None):
        done = await super().complete(messages, response_format)
        return Completion(done.text, count_messages(messages, "gpt-4o-mini").tokens, 100, done.latency)


def test_budget_stops_sending_and_keeps_what_finished():
    mock = HonestUsage(lambda m: "x" * 100)
    engine = BudgetedEngine(mock, budget=0.0003, model="gpt-4o-mini", max_tokens=100)
    rows = [{"t": "안녕하세요 " * 50} for _ in range(30)]
    results = run_rows_sync(rows, RowPlan(Template("", "{t}")), engine, concurrency=1)
    statuses = [r.status for r in results]
    assert 0 < statuses.count("ok") < 30 and set(statuses[statuses.count("ok") :]) == {"cancelled"}
    assert "Budget" in results[-1].error and engine.spend.spent <= 0.0003
    assert len(mock.calls) == statuses.count("ok")


def test_budget_needs_a_known_price():
    with pytest.raises(EngineError):
        BudgetedEngine(MockEngine(), 1.0, "my-local-llama", 100)


@pytest.fixture
def limited_server():
    """The local server in its own process (as the provider is), admitting 50 requests in any second (3,000 RPM)."""
    cmd = [sys.executable, "-m", "testserver.server", "--rpm-limit", "3000", "--latency", "0.05"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_at_a_per_second_limit_no_row_is_lost_and_almost_no_request_meets_a_429(limited_server):
    rows = 300  # six windows' worth
    settings = ModelSettings(api_key="k", base_url=limited_server, max_retries=6, timeout=30)
    engine = build_engine(settings, "openai", None, RunOptions(rpm=3000))
    started = time.monotonic()
    results = run_rows_sync([{"t": f"row {i}"} for i in range(rows)], SPEC, engine, concurrency=32)
    elapsed = time.monotonic() - started
    assert [r.output for r in results] == [f"ECHO: row {i}" for i in range(rows)]
    # 429s seen, retries included. The benchmark holds them under 1% on a quiet machine (bench --live); here the
    # machine may be busy, and starts the client spaced evenly can reach the server bunched (31 of 300 were seen with
    # five test suites sharing two cores). Without pacing nearly every request meets a 429 (32 in flight at 50 ms is
    # 640 a second against 50), so this bound still fails a pacer that does not pace; the exact cascade and pause
    # rules are checked on a simulated clock above.
    assert engine.pacer.throttled < rows // 5
    assert elapsed >= (rows - 1) / 50  # never faster than the limit allows (a bound that holds on a busy machine)
