"""core.jobs: a row run in the background that can be polled and stopped, and a synchronous summary stream."""
import asyncio
import threading

from core.errors import EngineError
from core.jobs import STOPPED, RowJob, stream_sync
from core.runner import RowSpec
from core.templates import Template
from tests.mock_engine import MockEngine, last_user

SPEC = RowSpec(Template(system="sys", user="<data>{text}</data>"), text_column="text")


def rows(*texts: str) -> list[dict]:
    return [{"text": t} for t in texts]


def test_a_job_answers_every_row_in_the_background_and_closes_the_engine():
    engine = MockEngine()
    job = RowJob(rows("가", "나", "다"), SPEC, engine, concurrency=2).start()
    assert job.wait(5)
    snap = job.snapshot()
    assert not snap.running and snap.done == snap.total == 3 and snap.fraction == 1.0
    assert [snap.results[i].output for i in range(3)] == ["echo:<data>가</data>", "echo:<data>나</data>",
                                                          "echo:<data>다</data>"]
    assert engine.closed and snap.failure is None


def test_progress_is_visible_while_rows_finish():
    gate = threading.Event()

    class Slow(MockEngine):
        async def complete(self, messages):
            if "늦음" in last_user(messages):
                while not gate.is_set():
                    await asyncio.sleep(0.01)
            return await super().complete(messages)

    job = RowJob(rows("빠름", "늦음"), SPEC, Slow(), concurrency=2).start()
    deadline = threading.Event()
    while job.snapshot().done < 1 and not deadline.wait(0.01):
        pass
    snap = job.snapshot()
    assert snap.running and snap.done == 1 and list(snap.results) == [0]
    gate.set()
    assert job.wait(5) and job.snapshot().done == 2


def test_cancel_keeps_finished_rows_and_abandons_requests_in_flight():
    class Hangs(MockEngine):
        async def complete(self, messages):
            if "멈춤" in last_user(messages):
                await asyncio.sleep(3600)
            return await super().complete(messages)

    engine = Hangs()
    job = RowJob(rows("하나", "멈춤", "셋", "넷"), SPEC, engine, concurrency=1).start()
    while job.snapshot().done < 1:
        job.wait(0.01)
    job.cancel()
    assert job.wait(5), "cancel must not wait for the hung request"
    results = job.snapshot().results
    assert results[0].status == "ok"
    assert [results[i].status for i in (1, 2, 3)] == ["cancelled"] * 3
    assert {results[i].error for i in (1, 2, 3)} == {STOPPED}
    assert engine.closed


def test_only_the_given_rows_run_and_failure_kinds_are_recorded():
    class Refuses(MockEngine):
        async def complete(self, messages):
            if "거절" in last_user(messages):
                raise EngineError("The API key was refused (bad key)", kind="auth", status=401)
            return await super().complete(messages)

    job = RowJob(rows("a", "거절", "c", "d"), SPEC, Refuses(), only=[1, 3]).start()
    assert job.wait(5)
    snap = job.snapshot()
    assert sorted(snap.results) == [1, 3] and snap.total == 2
    assert snap.results[1].status == "failed" and snap.kinds == {1: "auth"}
    assert snap.results[3].status == "ok"


def test_cancel_before_start_sends_nothing():
    engine = MockEngine()
    job = RowJob(rows("a", "b"), SPEC, engine)
    job.cancel()
    job.start()
    assert job.wait(5)
    assert engine.calls == [] and {r.status for r in job.snapshot().results.values()} == {"cancelled"}


def test_stream_sync_yields_deltas_keeps_them_and_closes_the_engine():
    engine = MockEngine(answer=lambda msgs: "회의록 내용입니다")
    parts: list[str] = []
    usage = []
    got = list(stream_sync("#1 가: 나", Template("sys", "<data>{transcript}</data>"), engine, parts, usage.append))
    assert "".join(got) == "회의록 내용입니다" == "".join(parts) and len(got) > 1
    assert engine.closed and usage and usage[0].text == "회의록 내용입니다"
    assert last_user(engine.calls[0]) == "<data>#1 가: 나</data>"


def test_stream_sync_closes_the_engine_when_the_reader_stops_early():
    engine = MockEngine(answer=lambda msgs: "abcdefghi")
    parts: list[str] = []
    stream = stream_sync("t", Template("", "{transcript}"), engine, parts)
    next(stream)
    stream.close()
    assert engine.closed and parts == ["abc"]
