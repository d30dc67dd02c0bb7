"""The runner: one request per row, failures as data, concurrency, cancel, labels, blanks."""

import asyncio
import threading

import pandas as pd
import pytest

from core.errors import TemplateError
from core.rows.plan import RowPlan, row_plan
from core.rows.results import run_stats
from core.rows.runner import check_plan, run_rows, run_rows_sync, table_rows
from core.rows.templates import Template
from tests.mock_engine import MockEngine, last_user

DF = pd.DataFrame({"화자": ["김", "이", "박", "최"], "발화": ["하나", "FAIL 둘", "", "넷"]})


def spec(template="{발화}", **kw):
    return RowPlan(Template("SYS", template), text_column="발화", **kw)


def test_each_row_gets_its_own_request_and_a_failure_is_data():
    engine = MockEngine()
    results = run_rows_sync(table_rows(DF, "발화"), spec(), engine, concurrency=3)
    assert [r.row for r in results] == [0, 1, 2, 3]
    assert [r.status for r in results] == ["ok", "failed", "skipped", "ok"]
    assert results[0].output == "echo:하나" and results[3].output == "echo:넷"
    assert "server error" in results[1].error and results[2].error == "empty input, not sent"
    assert sorted(last_user(m) for m in engine.calls) == ["FAIL 둘", "넷", "하나"]
    assert all(m[0] == {"role": "system", "content": "SYS"} for m in engine.calls)
    assert engine.closed


def test_text_alias_reads_the_chosen_column():
    rows = table_rows(DF, "화자")
    results = run_rows_sync(rows, RowPlan(Template("", "{text}/{발화}"), text_column="화자"), MockEngine())
    assert results[0].output == "echo:김/하나"


def test_unknown_text_column_is_refused():
    with pytest.raises(TemplateError):
        table_rows(DF, "없음")


def test_check_plan_knows_the_alias_only_when_a_text_column_is_set():
    check_plan(spec("{text} {화자}"), list(DF.columns))
    with pytest.raises(TemplateError):
        check_plan(RowPlan(Template("", "{text}")), list(DF.columns))


def test_concurrency_is_capped_and_used():
    engine = MockEngine(delay=0.02)
    rows = [{"발화": str(i), "text": str(i)} for i in range(40)]
    run_rows_sync(rows, spec(), engine, concurrency=5)
    assert engine.max_in_flight == 5 and len(engine.calls) == 40


def test_only_runs_the_given_rows():
    engine = MockEngine()
    results = run_rows_sync(table_rows(DF, "발화"), spec(), engine, only=[3, 0])
    assert [r.row for r in results] == [3, 0] and len(engine.calls) == 2


def test_cancel_keeps_finished_rows_and_marks_the_rest():
    cancel = threading.Event()
    seen = []

    def on_result(result, done, total):
        seen.append((done, total))
        if done == 3:
            cancel.set()

    rows = [{"발화": str(i)} for i in range(20)]
    results = run_rows_sync(rows, spec(), MockEngine(delay=0.01), concurrency=1, on_result=on_result, cancel=cancel)
    assert [r.status for r in results].count("ok") == 3
    assert {r.status for r in results[3:]} == {"cancelled"} and seen[-1] == (3, 20)


def test_label_answers_outside_the_list_go_to_review():
    answers = {"하나": "기쁨.", "넷": "행복"}
    engine = MockEngine(lambda m: answers[last_user(m).split(">")[1].split("<")[0]])
    plan = row_plan(task="emotion", text_column="발화")
    results = run_rows_sync(table_rows(DF, "발화"), plan, engine)
    assert (results[0].output, results[0].status) == ("기쁨", "ok")
    assert (results[3].output, results[3].status) == ("행복", "review")


def test_an_unexpected_exception_in_one_row_does_not_stop_the_others():
    def answer(messages):
        if "둘" in last_user(messages):
            raise RuntimeError("bug")
        return "fine"

    rows = [{"발화": "하나"}, {"발화": "둘"}, {"발화": "셋"}]
    results = run_rows_sync(rows, spec(), MockEngine(answer, fail_on=""))
    assert [r.status for r in results] == ["ok", "failed", "ok"] and "RuntimeError" in results[1].error


def test_stats_count_statuses_tokens_and_latency():
    results = run_rows_sync(table_rows(DF, "발화"), spec(), MockEngine(delay=0.01))
    stats = run_stats(results)
    assert stats.counts["ok"] == 2 and stats.counts["failed"] == 1 and stats.counts["skipped"] == 1
    assert stats.prompt_tokens == len("하나") + len("넷") and stats.latency_p50 >= 0.01


def test_empty_table_runs_nothing():
    assert asyncio.run(run_rows([], spec(), MockEngine())) == []


class _WireEngine(MockEngine):
    """Each request's I/O is a loop callback, logged: ("built", n) when a worker starts it, ("wire", n) when it runs."""

    def __init__(self, hold: asyncio.Event | None = None) -> None:
        super().__init__()
        self.log: list[tuple[str, str]] = []
        self.hold = hold

    async def complete(self, messages, response_format=None):
        n = last_user(messages)
        self.log.append(("built", n))
        sent = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(lambda: (self.log.append(("wire", n)), sent.set_result(None)))
        await sent
        if self.hold is not None:
            await self.hold.wait()
        return await super().complete(messages, response_format)


def test_the_first_wave_leaves_as_it_is_built_not_after_all_of_it_is_built():
    # Workers start one per turn of the loop: each request's I/O runs before the next worker builds its own, so
    # at 128 in flight the first requests are on the wire while the last are still being built.
    engine = _WireEngine()
    rows = [{"발화": str(i)} for i in range(4)]
    run_rows_sync(rows, spec(), engine, concurrency=4)
    assert engine.log[:4] == [("built", "0"), ("wire", "0"), ("built", "1"), ("wire", "1")]


def test_on_started_is_called_once_when_every_worker_has_begun():
    engine, seen = _WireEngine(), []
    rows = [{"발화": str(i)} for i in range(10)]
    run_rows_sync(rows, spec(), engine, concurrency=3, on_started=lambda: seen.append(list(engine.log)))
    assert len(seen) == 1 and [n for step, n in seen[0] if step == "built"] == ["0", "1", "2"]


@pytest.mark.parametrize("when", ["while starting workers", "after all started"])
def test_a_cancelled_run_leaves_no_worker_behind(when):
    async def go():
        engine = _WireEngine(hold=asyncio.Event())  # every request waits for ever
        started = asyncio.Event()
        run = asyncio.ensure_future(
            run_rows([{"발화": str(i)} for i in range(8)], spec(), engine, concurrency=4, on_started=started.set)
        )
        if when == "while starting workers":
            while not engine.log:
                await asyncio.sleep(0)
        else:
            await started.wait()
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
        await asyncio.sleep(0)
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()], len(engine.log)

    left, logged = asyncio.run(go())
    assert left == [] and logged >= 1
