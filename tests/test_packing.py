"""Packing: several rows per request, answers keyed by id, anything doubtful asked again alone."""

import json

import pytest

from core.rows.packing import pack_messages, parse_reply, response_format
from core.rows.plan import RowPlan
from core.rows.runner import run_rows_sync
from core.rows.templates import Example, Template
from tests.mock_engine import MockEngine, last_user

ROWS = [{"text": f"발화 {i}"} for i in range(10)]
PLAN = RowPlan(Template("정리하세요", "<data>{text}</data>"), text_column="text")


def reply(*pairs):
    return json.dumps({"answers": [{"id": i, "output": o} for i, o in pairs]})


@pytest.mark.parametrize(
    "text, ids, expected",
    [
        (reply(("0", "a"), ("1", "b")), [0, 1], {0: "a", 1: "b"}),
        (reply(("0", "a")), [0, 1], {0: "a"}),  # missing
        (reply(("0", "a"), ("1", "b"), ("7", "x")), [0, 1], {0: "a", 1: "b"}),  # extra
        (reply(("0", "a"), ("0", "again"), ("1", "b")), [0, 1], {1: "b"}),  # duplicated
        ("not json", [0, 1], {}),  # malformed
        ('{"answers": [{"id": "0"}]}', [0], {}),  # no output
        ("```json\n" + reply(("3", "c")) + "\n```", [3], {3: "c"}),  # fenced
    ],
)
def test_parse_reply_trusts_only_clean_answers(text, ids, expected):
    assert parse_reply(text, ids) == expected


def test_pack_messages_send_the_system_prompt_once_and_ids_with_items():
    template = Template("SYS", "<data>{text}</data>", (Example("<data>음 네</data>", "네."),))
    messages = pack_messages(template, [(0, ROWS[0]), (4, ROWS[4])])
    assert messages[0]["role"] == "system" and messages[0]["content"].startswith("SYS")
    assert json.loads(messages[1]["content"])["items"][0]["input"] == "<data>음 네</data>"
    items = json.loads(messages[-1]["content"])["items"]
    assert items == [{"id": "0", "input": "<data>발화 0</data>"}, {"id": "4", "input": "<data>발화 4</data>"}]


def test_response_format_is_a_strict_json_schema():
    fmt = response_format()
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["required"] == ["answers"]


def test_packed_run_uses_fewer_requests_and_keeps_every_row_its_own_answer():
    engine = MockEngine()
    results = run_rows_sync(ROWS, PLAN, engine, pack=4)
    assert len(engine.calls) == 3 and all(f is not None for f in engine.formats)
    assert [r.output for r in results] == [f"echo:<data>발화 {i}</data>" for i in range(10)]


def test_bad_packed_answers_are_asked_again_one_by_one():
    def answer(messages):
        return "echo:" + last_user(messages)

    class Sloppy(MockEngine):
        def _packed(self, messages):
            items = json.loads(last_user(messages))["items"]
            # drops the first item, answers the second twice, misattributes nothing else
            pairs = [(it["id"], "echo:" + it["input"]) for it in items[1:]] + [(items[1]["id"], "dup")]
            return reply(*pairs)

    engine = Sloppy(answer)
    results = run_rows_sync(ROWS[:4], PLAN, engine, pack=4)
    assert [r.output for r in results] == [f"echo:<data>발화 {i}</data>" for i in range(4)]
    assert len(engine.calls) == 1 + 2 and engine.formats[1:] == [None, None]


def test_a_failed_pack_falls_back_to_single_requests_that_fail_on_their_own():
    rows = [{"text": "ok 1"}, {"text": "FAIL"}, {"text": "ok 2"}]
    engine = MockEngine()
    results = run_rows_sync(rows, PLAN, engine, pack=3)
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert len(engine.calls) == 4
