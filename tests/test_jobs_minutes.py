"""core.jobs.minutes: minutes written in a background thread, polled, stopped; errors kept as data."""

import asyncio
import threading
import time

import pandas as pd
import pytest

from core.errors import EngineError
from core.jobs.minutes import MinutesJob
from core.minutes.mapreduce import MinutesError, MinutesResult
from tests.mock_engine import MockEngine
from testserver.minutes import minutes_answer

MODEL = "gpt-4o-mini"
HANG = 3600  # seconds: a request that never answers unless cancelled


class Scripted(MockEngine):
    """A minutes model: structured answers from minutes_answer, the last step streamed in small pieces.

    `hang_map`: the n-th structured request (from 1) never answers; `hang_stream`: the stream stops after that many
    characters and never ends; `fail`: every request raises it; `gate`: requests wait for it (set = go).
    """

    def __init__(
        self,
        *,
        hang_map: int | None = None,
        hang_stream: int | None = None,
        fail: BaseException | None = None,
        gate: threading.Event | None = None,
    ) -> None:
        super().__init__(minutes_answer)
        self.hang_map, self.hang_stream, self.fail, self.gate = hang_map, hang_stream, fail, gate
        self.structured = 0

    async def complete(self, messages, response_format=None):
        if self.fail is not None:
            raise self.fail
        if response_format is not None:
            self.structured += 1
            if self.structured == self.hang_map:
                await asyncio.sleep(HANG)
        while self.gate is not None and not self.gate.is_set():
            await asyncio.sleep(0.005)
        return await super().complete(messages, response_format)

    def _packed(self, messages):
        return minutes_answer(messages)

    async def stream(self, messages, on_usage=None):
        done = await self.complete(messages)
        for i in range(0, len(done.text), 7):
            if self.hang_stream is not None and i >= self.hang_stream:
                await asyncio.sleep(HANG)
            yield done.text[i : i + 7]
        if on_usage:
            on_usage(done)


def meeting(n: int, text: str = "번째 발화: 결제 일정과 배포 계획을 이야기합니다.") -> pd.DataFrame:
    speakers = ["김민수", "이지은", "박서준"]
    return pd.DataFrame(
        {
            "start": [str(i * 30) for i in range(n)],
            "speaker": [speakers[i % 3] for i in range(n)],
            "text": [f"{i + 1}{text}" if text else "" for i in range(n)],
        },
        dtype=str,
    )


def job_for(df: pd.DataFrame, engine: Scripted, chunk_tokens: int = 150, concurrency: int = 4) -> MinutesJob:
    return MinutesJob(
        df,
        engine=engine,
        model=MODEL,
        text_column="text",
        speaker_column="speaker",
        chunk_tokens=chunk_tokens,
        concurrency=concurrency,
    )


def until(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


@pytest.fixture
def thread_errors(monkeypatch):
    """Exceptions that escaped a thread (none should)."""
    seen: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(args.exc_value))
    return seen


@pytest.mark.parametrize("rows, chunk_tokens, several", [(3, 4000, False), (30, 150, True)])
def test_progress_is_reported_step_by_step_and_the_result_kept(rows, chunk_tokens, several):
    seen: list[tuple[str, int, int]] = []
    job = job_for(meeting(rows), Scripted(), chunk_tokens, concurrency=1)
    original = job._progress
    job._progress = lambda stage, done, total: (seen.append((stage, done, total)), original(stage, done, total))
    assert job.snapshot().stage == "start" and job.snapshot().fraction == 0.0
    assert job.start().wait(30)
    snap = job.snapshot()
    mapped = [s for s in seen if s[0] == "map"]
    chunks = len(snap.result.chunks)
    assert (chunks >= 3) == several and len(mapped) == (chunks if several else 0)  # one chunk: map is the final
    assert [d for _, d, _ in mapped] == list(range(1, len(mapped) + 1)) and all(t == chunks for *_, t in mapped)
    assert seen[-2:] == [("final", 0, 1), ("final", 1, 1)]
    assert isinstance(snap.result, MinutesResult) and snap.error is None and not snap.cancelled
    assert not snap.running and (snap.stage, snap.done, snap.total, snap.fraction) == ("final", 1, 1, 1.0)
    assert snap.seconds > 0 and job.snapshot().seconds == snap.seconds  # the clock stops when the job ends


def test_progress_is_visible_while_the_map_step_goes():
    gate = threading.Event()
    engine = Scripted(gate=gate)
    job = job_for(meeting(30), engine, concurrency=1).start()
    until(lambda: engine.structured >= 1)
    snap = job.snapshot()
    assert snap.running and snap.stage == "start" and snap.streamed == "" and snap.result is None
    gate.set()
    assert job.wait(30)
    assert job.snapshot().result is not None


def test_the_deltas_add_up_to_the_markdown_and_arrive_as_written():
    engine = Scripted()
    job = job_for(meeting(30), engine)
    grown: list[str] = []
    original = job._delta
    job._delta = lambda text: (original(text), grown.append(job.snapshot().streamed))
    assert job.start().wait(30)
    snap = job.snapshot()
    assert len(grown) > 3 and all(b.startswith(a) and len(b) > len(a) for a, b in zip(grown, grown[1:]))
    assert snap.streamed == snap.result.markdown == snap.result.streamed == grown[-1]


@pytest.mark.parametrize(
    "df, engine, kind, code",
    [
        (
            meeting(30),
            Scripted(fail=EngineError("The API key was refused", kind="auth", status=401)),
            EngineError,
            "engine.auth",
        ),
        (meeting(4, text=""), Scripted(), MinutesError, "minutes.empty"),
        (
            meeting(30),
            Scripted(fail=EngineError("server error", kind="server", status=500)),
            MinutesError,
            "minutes.failed",
        ),
    ],
)
def test_an_error_is_kept_as_data_and_the_engine_closed(df, engine, kind, code, thread_errors):
    job = job_for(df, engine).start()
    assert job.wait(30)
    snap = job.snapshot()
    assert isinstance(snap.error, kind) and snap.error.code == code
    assert snap.result is None and not snap.running and not snap.cancelled
    assert engine.closed and thread_errors == []


@pytest.mark.parametrize(
    "engine, stage, done, streams",
    [
        (Scripted(hang_map=2), "map", 1, False),  # mid-map: one part done, the next never answers
        (Scripted(hang_stream=120), "final", 0, True),  # mid-stream: the first items are on the page
    ],
)
def test_cancel_stops_quickly_and_keeps_what_was_streamed(engine, stage, done, streams, thread_errors):
    whole = job_for(meeting(30), Scripted(), concurrency=1).start()
    assert whole.wait(30)
    job = job_for(meeting(30), engine, concurrency=1).start()
    until(lambda: job.snapshot().stage == stage and (len(job.snapshot().streamed) > 40 if streams else True))
    before = job.snapshot()
    job.cancel()
    assert job.wait(30), "cancel must not wait for the hung request (it never answers)"
    snap = job.snapshot()
    assert snap.cancelled and snap.error is None and snap.result is None and not snap.running
    assert (snap.stage, snap.done) == (stage, done)  # the steps unwinding after cancel are not progress
    assert snap.streamed == before.streamed and whole.snapshot().streamed.startswith(snap.streamed)
    assert bool(snap.streamed.strip()) == streams and ("- " in snap.streamed) == streams
    assert engine.closed and thread_errors == []


def test_a_job_cancelled_before_it_starts_sends_nothing_and_closes_the_engine():
    engine = Scripted()
    job = job_for(meeting(30), engine)
    job.cancel()
    assert job.start().wait(30)
    snap = job.snapshot()
    assert snap.cancelled and snap.result is None and snap.error is None
    assert engine.calls == [] and engine.closed


def test_the_job_owns_the_callbacks():
    with pytest.raises(TypeError, match="on_delta"):
        MinutesJob(meeting(3), engine=Scripted(), model=MODEL, text_column="text", on_delta=print)
