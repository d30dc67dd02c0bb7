"""The run store: answers kept as they arrive, runs listed, edits kept, re-runs pick the right rows."""

import pandas as pd
import pytest

from core.rows.plan import row_plan
from core.rows.results import RowResult, failed_rows, unanswered_rows
from core.rows.service import RunSetup, execute_sync, rows_to_rerun
from core.settings import ModelSettings
from core.store import Store, request_key, request_keys
from testserver.server import FakeOpenAI

DF = pd.DataFrame({"화자": ["김", "이", "박"], "발화": ["하나", "[[500]] 둘", "셋"]})


@pytest.fixture()
def store(tmp_path):
    s = Store(tmp_path / "runs.sqlite3")
    yield s
    s.close()


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as srv:
        yield srv


def job(server, template="{발화}", df=DF):
    settings = ModelSettings(api_key="sk-planted", base_url=server.base_url, max_retries=0, model="gpt-4o-mini")
    return RunSetup(df, "meeting.csv", row_plan(template=template, system="S", text_column="발화"), settings)


def test_request_key_depends_on_model_messages_and_params_only():
    m = [{"role": "user", "content": "x"}]
    assert request_key("a", m, {"t": 1}) == request_key("a", m, {"t": 1})
    assert (
        len(
            {
                request_key("a", m, {"t": 1}),
                request_key("b", m, {"t": 1}),
                request_key("a", m, {"t": 2}),
                request_key("a", [{"role": "user", "content": "y"}], {"t": 1}),
            }
        )
        == 4
    )


SYSTEM = {"role": "system", "content": '정리하세요. "따옴표"와 줄바꿈\n도 그대로'}
PAIR = [{"role": "user", "content": "음 예시"}, {"role": "assistant", "content": "예시"}]


@pytest.mark.parametrize(
    "model, conversations, params",
    [
        ("gpt-4o-mini", [[SYSTEM, {"role": "user", "content": f"<data>{i}번째</data>"}] for i in range(3)], {"t": 0.2}),
        ("m", [[{"role": "user", "content": "x"}], [{"role": "user", "content": "x"}]], {}),
        ("m", [[SYSTEM, *PAIR, {"role": "user", "content": "y"}], [SYSTEM, {"role": "user", "content": "y"}]], {}),
        ("m", [[{"role": "user", "content": "é 😀 \\ \u2028"}]], {"nested": {"z": [1, 2], "a": "한글"}, "b": None}),
        ("m", [[{"role": "user", "content": "x", "name": "김"}], [{"content": "x", "role": "user"}]], {"k": 1}),
        ("m", [[{"role": "user", "content": [{"type": "text", "text": "parts"}]}]], {}),
        ("m", [], {}),
    ],
)
def test_request_keys_are_request_key_for_each_conversation(model, conversations, params):
    assert request_keys(model, conversations, params) == [request_key(model, m, params) for m in conversations]


@pytest.mark.parametrize(
    "statuses, rows, failed, unanswered",
    [
        ({}, 3, [0, 1, 2], [0, 1, 2]),
        ({0: "ok", 1: "skipped", 2: "ok"}, 3, [], []),
        ({0: "ok", 1: "failed", 2: "review"}, 4, [1, 2, 3], [3]),
        ({0: "cancelled", 1: "pending", 2: "ok"}, 3, [0, 1], [0, 1]),
        ({5: "ok"}, 2, [0, 1], [0, 1]),  # a result past the table's end changes nothing
    ],
)
def test_rows_to_ask_again_from_results(statuses, rows, failed, unanswered):
    results = [RowResult(row, "", status) for row, status in statuses.items()]
    assert failed_rows(results, rows) == failed
    assert unanswered_rows(results, rows) == unanswered


def test_a_row_without_an_answer_is_not_changed_but_failed(store, server):
    outcome = execute_sync(job(server), store=store)  # row 2 fails: "[[500]] 둘"
    assert rows_to_rerun(store, outcome.run_id, job(server), "changed") == []
    assert rows_to_rerun(store, outcome.run_id, job(server), "failed") == [1]
    assert rows_to_rerun(store, outcome.run_id, job(server, "새 {발화}"), "changed") == [0, 2]


def test_answers_are_stored_and_reused(store):
    store.save_answer("k", "답", 3, 4)
    assert store.answer("k") == ("답", 3, 4) and store.answer("other") is None
    assert store.known(["k", "other"]) == {"k"}


def test_a_run_is_recorded_with_results_and_can_be_reopened(store, server):
    server.reset()
    outcome = execute_sync(job(server), store=store)
    info = store.run(outcome.run_id)
    assert (info.rows, info.ok, info.failed, info.file_name, info.model) == (3, 2, 1, "meeting.csv", "gpt-4o-mini")
    assert info.template == "{발화}" and info.system == "S" and info.params["temperature"] == 0.2
    assert info.finished is not None and info.cost is not None and info.prompt_tokens > 0
    assert store.run_input(outcome.run_id).equals(DF.astype(str))
    assert [r.output for r in store.results(outcome.run_id)] == ["ECHO: 하나", "", "ECHO: 셋"]
    assert [r.id for r in store.runs()] == [outcome.run_id]


def test_same_run_again_asks_only_for_rows_without_an_answer(store, server):
    server.reset()
    execute_sync(job(server), store=store)
    server.reset()
    again = execute_sync(job(server), store=store)
    assert [b["messages"][-1]["content"] for b in server.chat_requests()] == ["[[500]] 둘"]
    assert [r.status for r in again.results] == ["ok", "failed", "ok"]
    assert again.results[0].prompt_tokens == 0  # served from the store, paid for once


def test_edits_survive_a_rerun_unless_asked(store, server):
    outcome = execute_sync(job(server), store=store)
    store.save_edit(outcome.run_id, 0, "손으로 고친 답")
    assert store.edited_rows(outcome.run_id) == {0}
    assert rows_to_rerun(store, outcome.run_id, job(server, "새 {발화}"), "changed") == [2]  # row 1 failed: no answer
    assert rows_to_rerun(store, outcome.run_id, job(server, "새 {발화}"), "changed", keep_edits=False) == [0, 2]
    execute_sync(job(server, "새 {발화}"), store=store, run_id=outcome.run_id, only=[2])
    results = store.results(outcome.run_id)
    assert results[0].output == "손으로 고친 답" and results[2].output == "ECHO: 새 셋"
    execute_sync(job(server, "새 {발화}"), store=store, run_id=outcome.run_id, only=[0])
    assert store.results(outcome.run_id)[0].output == "ECHO: 새 하나" and store.edited_rows(outcome.run_id) == set()


def test_rerun_failed_picks_failed_review_and_unsent_rows(store):
    run_id = store.start_run(
        file_name="f",
        input_hash=store.save_input(DF, "f"),
        task="t",
        template="{발화}",
        system="",
        model="m",
        engine="openai",
        params={},
        output_column="o",
        text_column="발화",
        rows=3,
    )
    store.save_result(run_id, RowResult(0, "a", "ok"))
    store.save_result(run_id, RowResult(1, "b", "review"))
    plan_job = RunSetup(DF, "f", row_plan(template="{발화}"), ModelSettings(api_key="k"))
    assert rows_to_rerun(store, run_id, plan_job, "failed") == [1, 2]


def test_delete_run_keeps_answers(store, server):
    outcome = execute_sync(job(server), store=store)
    store.delete_run(outcome.run_id)
    assert store.run(outcome.run_id) is None and store.results(outcome.run_id) == []
    assert store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 2


def test_the_key_is_never_written_to_the_store(store, server, tmp_path):
    execute_sync(job(server), store=store)
    store.close()
    raw = (tmp_path / "runs.sqlite3").read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("runs.sqlite3-*"))
    assert b"sk-planted" not in raw
