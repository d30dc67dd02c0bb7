"""The workbench over HTTP: variants through the row service, few-shot pairs on the wire, stored answers kept apart."""

from dataclasses import replace

import pandas as pd
import pytest

from core.engines.layers import RunOptions
from core.rows.plan import row_plan
from core.rows.service import RunSetup, execute_sync
from core.rows.templates import Example
from core.settings import ModelSettings
from core.store import Store
from core.workbench.compare import Base, Variant, compare_sync
from core.workbench.examples import ExamplePicker, with_examples
from testserver.server import FakeOpenAI

DF = pd.DataFrame({"화자": ["김", "이", "박"], "발화": ["배송이 늦어요", "감사합니다", "환불 언제 돼요"]})
POOL = (Example("배송이 너무 늦네요", "불만"), Example("정말 감사해요", "기쁨"))


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as srv:
        yield srv


@pytest.fixture(autouse=True)
def fresh(server):
    server.reset()


def settings(server, **kw):
    return ModelSettings(base_url=server.base_url, api_key="sk-test", max_retries=0, **kw)


def test_compare_asks_each_row_once_per_variant_with_its_own_settings(server, tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    base = Base(template="{발화}", text_column="발화", settings=settings(server))
    variants = [Variant("A", system="첫째"), Variant("B", system="둘째", model="gpt-4.1-mini", temperature=0.9)]
    result = compare_sync(DF, "t.csv", base, variants, [0, 2], store=store)
    bodies = server.chat_requests()
    assert sorted((b["messages"][0]["content"], b["messages"][1]["content"], b["model"]) for b in bodies) == [
        ("둘째", "배송이 늦어요", "gpt-4.1-mini"),
        ("둘째", "환불 언제 돼요", "gpt-4.1-mini"),
        ("첫째", "배송이 늦어요", "gpt-4o-mini"),
        ("첫째", "환불 언제 돼요", "gpt-4o-mini"),
    ]
    assert {b["temperature"] for b in bodies if b["model"] == "gpt-4.1-mini"} == {0.9}
    assert [r.row for r in result.runs[1].results] == [0, 2]
    assert result.runs[0].answers() == ["ECHO: 배송이 늦어요", "ECHO: 환불 언제 돼요"]
    assert result.same() == [True, True] and result.changed() == 0
    assert all(run.stats.total_tokens > 0 and run.cost is not None for run in result.runs)
    frame = result.frame(DF)
    assert list(frame.columns) == ["화자", "발화", "output_A", "output_B", "same"] and len(frame) == 2
    assert store.runs() == []  # a try is not a run: History stays clean
    server.reset()
    again = compare_sync(DF, "t.csv", base, variants, [0, 1, 2], store=store)
    assert [b["messages"][1]["content"] for b in server.chat_requests()] == ["감사합니다", "감사합니다"]
    assert again.runs[0].answers()[0] == "ECHO: 배송이 늦어요"
    store.close()


def test_examples_go_on_the_wire_and_stored_answers_never_mix(server, tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    plan = row_plan(template="<data>{발화}</data>", system="라벨 하나", text_column="발화")
    shots = ExamplePicker(POOL, limit=1)
    taught = replace(plan, template=with_examples(plan.template, shots))
    execute_sync(RunSetup(DF, "t.csv", plan, settings(server), RunOptions()), store=store)
    assert len(server.chat_requests()) == 3
    server.reset()
    outcome = execute_sync(RunSetup(DF, "t.csv", taught, settings(server), RunOptions()), store=store)
    bodies = {b["messages"][-1]["content"]: b["messages"] for b in server.chat_requests()}
    assert len(bodies) == 3  # with examples nothing is served from the answers without them
    assert bodies["<data>배송이 늦어요</data>"] == [
        {"role": "system", "content": "라벨 하나"},
        {"role": "user", "content": "배송이 너무 늦네요"},
        {"role": "assistant", "content": "불만"},
        {"role": "user", "content": "<data>배송이 늦어요</data>"},
    ]
    assert bodies["<data>감사합니다</data>"][1:3] == [
        {"role": "user", "content": "정말 감사해요"},
        {"role": "assistant", "content": "기쁨"},
    ]
    run = store.run(outcome.run_id)
    assert run.params["examples"] == {
        "pool": [list(e.__dict__.values()) for e in POOL],
        "max_examples": 1,
        "budget_tokens": shots.budget,
    }
    assert "examples" not in store.run(outcome.run_id - 1).params
    server.reset()
    execute_sync(RunSetup(DF, "t.csv", taught, settings(server), RunOptions()), store=store)
    assert server.chat_requests() == []  # the same examples: answered from the store
    store.close()


def test_packed_requests_carry_each_rows_examples_once(server, tmp_path):
    plan = row_plan(template="{발화}", system="s", text_column="발화")
    taught = replace(plan, template=with_examples(plan.template, ExamplePicker(POOL, limit=1)))
    outcome = execute_sync(RunSetup(DF, "t.csv", taught, settings(server), RunOptions(pack=3)))
    assert [r.status for r in outcome.results] == ["ok"] * 3
    (body,) = server.chat_requests()
    assert body["messages"][1]["role"] == "user" and "배송이 너무 늦네요" in body["messages"][1]["content"]
    assert "정말 감사해요" in body["messages"][1]["content"] and body["messages"][2]["role"] == "assistant"
