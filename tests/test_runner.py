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
