"""core.jobs.rows: a row run in the background that can be polled and stopped, and a synchronous summary stream."""

import asyncio
import threading
from dataclasses import replace

import pandas as pd
import pytest

from core.errors import ConfigError, EngineError
from core.jobs.rows import STOPPED, RowJob, interrupted, unanswered
from core.rows.plan import RowPlan
from core.rows.service import RunSetup
from core.rows.templates import Template
from core.settings import ModelSettings
from core.store import Store
from tests.mock_engine import MockEngine, last_user

PLAN = RowPlan(Template(system="sys", user="<data>{text}</data>"), text_column="text", output_column="out")


def rows(*texts: str, concurrency: int = 8) -> RunSetup:
    return RunSetup(
        pd.DataFrame({"text": list(texts)}),
        "t.csv",
        PLAN,
        ModelSettings(concurrency=concurrency),
        engine="openai",
    )


def test_a_job_answers_every_row_in_the_background_and_closes_the_engine():
    engine = MockEngine()
    job = RowJob(rows("가", "나", "다", concurrency=2), engine=engine).start()
    assert job.wait(30)
    snap = job.snapshot()
    assert not snap.running and snap.done == snap.total == 3 and snap.fraction == 1.0
    assert [snap.results[i].output for i in range(3)] == [
        "echo:<data>가</data>",
        "echo:<data>나</data>",
        "echo:<data>다</data>",
    ]
    assert engine.closed and snap.failure is None


def test_progress_is_visible_while_rows_finish():
    gate = threading.Event()

    class Slow(MockEngine):
        async def complete(self, messages):
            if "늦음" in last_user(messages):
                while not gate.is_set():
                    await asyncio.sleep(0.01)
            return await super().complete(messages)

    job = RowJob(rows("빠름", "늦음", concurrency=2), engine=Slow()).start()
    deadline = threading.Event()
    while job.snapshot().done < 1 and not deadline.wait(0.01):
        pass
    snap = job.snapshot()
    assert snap.running and snap.done == 1 and list(snap.results) == [0]
    gate.set()
    assert job.wait(30) and job.snapshot().done == 2


def test_a_poller_takes_only_what_arrived_since_it_last_looked():
    engine = Gated()
    job = RowJob(rows("가", "늦음", "다", concurrency=3), only=[0, 1], engine=engine).start()
    while job.progress().done < 1:
        job.wait(0.01)
    first, kinds = job.since(0)
    assert [r.row for r in first] == [0] and kinds == {}
    progress = job.progress()
    assert progress.running and (progress.done, progress.total) == (1, 2) and progress.fraction == 0.5
    assert job.since(1) == ([], {}), "nothing new: nothing handed back"
    engine.gate.set()
    assert job.wait(5)
    later, _ = job.since(len(first))
    assert [(r.row, r.output) for r in later] == [(1, "echo:<data>늦음</data>")]
    assert not job.progress().running and job.progress().done == 2


def test_a_poller_sees_the_rows_a_stop_left_unanswered_and_their_kinds():
    class Refuses(Gated):
        async def complete(self, messages, **kw):
            if "거절" in last_user(messages):
                raise EngineError("The API key was refused (bad key)", kind="auth", status=401)
            return await super().complete(messages, **kw)

    job = RowJob(rows("거절", "멈춤", "셋", concurrency=1), engine=Refuses()).start()
    while job.progress().done < 1:
        job.wait(0.01)
    job.cancel(grace=0.1)
    assert job.wait(5)
    got, kinds = job.since(0)
    assert [(r.row, r.status) for r in got] == [(0, "failed"), (1, "cancelled"), (2, "cancelled")]
    assert kinds == {0: "auth"}


def test_cancel_keeps_finished_rows_and_abandons_requests_in_flight():
    class Hangs(MockEngine):
        async def complete(self, messages):
            if "멈춤" in last_user(messages):
                await asyncio.sleep(3600)
            return await super().complete(messages)

    engine = Hangs()
    job = RowJob(rows("하나", "멈춤", "셋", "넷", concurrency=1), engine=engine).start()
    while job.snapshot().done < 1:
        job.wait(0.01)
    job.cancel(grace=0.2)
    assert job.wait(30), "cancel must not wait for the hung request"
    results = job.snapshot().results
    assert results[0].status == "ok"
    assert [results[i].status for i in (1, 2, 3)] == ["cancelled"] * 3
    assert {results[i].error for i in (1, 2, 3)} == {STOPPED}
    assert engine.closed


def test_cancel_lets_an_answer_already_in_flight_arrive_and_sends_nothing_new():
    asked, cancelled = threading.Event(), threading.Event()

    class Slow(MockEngine):
        async def complete(self, messages):
            if "느림" in last_user(messages):  # in flight when Stop is pressed, answered after it
                asked.set()
                while not cancelled.is_set():
                    await asyncio.sleep(0.01)
            return await super().complete(messages)

    engine = Slow()
    job = RowJob(rows("하나", "느림", "셋", concurrency=1), engine=engine).start()
    assert asked.wait(30)
    job.cancel()
    cancelled.set()
    assert job.wait(30)
    results = job.snapshot().results
    assert [results[i].status for i in range(3)] == ["ok", "ok", "cancelled"]
    assert len(engine.calls) == 2


def test_only_the_given_rows_run_and_failure_kinds_are_recorded():
    class Refuses(MockEngine):
        async def complete(self, messages):
            if "거절" in last_user(messages):
                raise EngineError("The API key was refused (bad key)", kind="auth", status=401)
            return await super().complete(messages)

    job = RowJob(rows("a", "거절", "c", "d"), only=[1, 3], engine=Refuses()).start()
    assert job.wait(30)
    snap = job.snapshot()
    assert sorted(snap.results) == [1, 3] and snap.total == 2
    assert snap.results[1].status == "failed" and snap.kinds == {1: "auth"}
    assert snap.results[3].status == "ok"


def test_cancel_before_start_sends_nothing():
    engine = MockEngine()
    job = RowJob(rows("a", "b"), engine=engine)
    job.cancel()
    job.start()
    assert job.wait(30)
    assert engine.calls == [] and {r.status for r in job.snapshot().results.values()} == {"cancelled"}


class Gated(MockEngine):
    """Holds back rows whose text has "늦음" until `gate` is set; "멈춤" never answers."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.gate = threading.Event()

    async def complete(self, messages, **kw):
        while "늦음" in last_user(messages) and not self.gate.is_set():
            await asyncio.sleep(0.01)
        if "멈춤" in last_user(messages):
            await asyncio.sleep(3600)
        return await super().complete(messages, **kw)


def test_with_a_store_every_result_is_saved_the_moment_it_arrives(tmp_path):
    path = tmp_path / "s.sqlite3"
    engine = Gated()
    job = RowJob(rows("빠름", "늦음", concurrency=2), store=path, engine=engine).start()
    store = Store(path)
    assert store.run(job.run_id).rows == 2  # recorded before any row is answered
    while not store.results(job.run_id):
        job.wait(0.01)
    assert [(r.row, r.status, r.output) for r in store.results(job.run_id)] == [(0, "ok", "echo:<data>빠름</data>")]
    assert job.running
    engine.gate.set()
    assert job.wait(30)
    assert [r.output for r in store.results(job.run_id)] == ["echo:<data>빠름</data>", "echo:<data>늦음</data>"]
    assert store.run(job.run_id).finished is not None and unanswered(store, job.run_id, 2) == []


def test_a_stopped_job_leaves_its_unanswered_rows_for_a_resume(tmp_path):
    path = tmp_path / "s.sqlite3"
    job = RowJob(rows("하나", "멈춤", "셋", concurrency=1), store=path, engine=Gated()).start()
    while job.snapshot().done < 1:
        job.wait(0.01)
    job.cancel()
    assert job.wait(30)
    store = Store(path)
    assert [r.status for r in store.results(job.run_id)] == ["ok", "cancelled", "cancelled"]
    assert unanswered(store, job.run_id, 3) == [1, 2]
    assert [r.id for r in interrupted(store)] == [job.run_id]
    again = RowJob(rows("하나", "둘", "셋"), store=path, run_id=job.run_id, only=[1, 2], engine=MockEngine()).start()
    assert again.wait(30) and again.run_id == job.run_id
    assert [r.output for r in store.results(job.run_id)] == [f"echo:<data>{t}</data>" for t in ("하나", "둘", "셋")]
    assert interrupted(store) == []


def test_rows_held_back_by_the_budget_are_cancelled_with_the_budget_kind():
    class Budgeted(MockEngine):
        async def complete(self, messages, **kw):
            if "비쌈" in last_user(messages):
                raise EngineError("Budget of $0.01 reached: not sent", kind="budget")
            return await super().complete(messages, **kw)

    job = RowJob(rows("싸다", "비쌈"), engine=Budgeted()).start()
    assert job.wait(30)
    snap = job.snapshot()
    assert snap.results[1].status == "cancelled" and "Budget" in snap.results[1].error
    assert snap.kinds == {1: "budget"} and snap.results[0].status == "ok"


def test_a_setting_the_engine_cannot_meet_is_refused_before_anything_starts(tmp_path):
    job = RunSetup(
        pd.DataFrame({"text": ["a"]}), "t.csv", replace(PLAN, task="emotion"), ModelSettings(), engine="offline"
    )
    with pytest.raises(ConfigError) as refused:
        RowJob(job, store=tmp_path / "s.sqlite3")
    assert refused.value.code == "config.needs_model"
    assert Store(tmp_path / "s.sqlite3").runs() == []


def test_a_comparison_in_the_background_reports_progress_and_its_result(tmp_path):
    from core.jobs.compare import CompareJob, CompareProgress
    from core.workbench.compare import Base, Variant

    df = pd.DataFrame({"text": ["음 첫째", "어 둘째", "셋째"]})
    job = CompareJob(
        df, "t.csv", Base(task="clean", text_column="text"), [Variant("A")], [0, 2], engine="offline",
        store=tmp_path / "s.sqlite3",
    )  # fmt: skip
    assert job.progress() == CompareProgress(0, 2, True)  # not started: nothing answered yet
    job.start()
    assert job.wait(30)
    assert job.error is None and job.progress().done == 2 and not job.progress().running
    assert job.result is not None and job.result.rows == [0, 2]
    assert [r.row for r in job.result.runs[0].results] == [0, 2]
