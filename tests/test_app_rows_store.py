"""The rows page over the run store: the quote, answers saved as they arrive, re-runs that keep hand edits, the
budget and resume, packing."""

from unittest import mock

from core.rows.plan import row_plan
from core.rows.quote import quote_rows
from core.rows.runner import table_rows
from core.store import Store, default_store_path
from tests.app_support import (
    TEXT,
    UTTERANCES,
    connect,
    echo,
    edit_cell,
    loaded,
    metric,
    no_crash,
    results,
    texts,
    wait_for_run,
    wait_until,
)
from testserver.faults import last_user_text
from testserver.server import FakeOpenAI
from ui.rows import runs

OUT = "정리된 발화"


def stored(at) -> tuple[Store, int]:
    """The run store this test's app writes to, and the id of the run the page shows."""
    return Store(default_store_path()), at.session_state["row_run"].run_id


def test_the_quote_before_run_is_core_quote_and_stored_answers_are_not_asked_again(at, server):
    at.number_input(key="w.rpm").set_value(30).run()
    plan = row_plan(task="clean", text_column=TEXT)
    want = quote_rows(table_rows(UTTERANCES, TEXT), plan, model="gpt-4o-mini", max_tokens=1024, rpm=30)
    assert metric(at, "요청 수") == "4" and want.exact
    assert (
        metric(at, "입력 토큰") == f"{want.input_tokens:,}"
        and metric(at, "출력 토큰 (예상)") == f"{want.output_tokens:,}"
    )
    assert metric(at, "예상 비용") == f"${want.cost:,.4f}" and metric(at, "Batch API라면") == f"${want.batch_cost:,.4f}"
    assert metric(at, "최소 소요 시간") == "8s" == f"{want.seconds_at_limits:.0f}s"
    assert server.chat_requests() == []
    at.number_input(key="w.rpm").set_value(0).run()  # no pacing for the run itself: 4 requests at 30 RPM take 6 s
    at.button(key="b.run").click().run()
    wait_for_run(at)
    assert metric(at, "요청 수") == "0" and any("4행은 이미 저장된 답이 있어" in c for c in texts(at.caption))
    server.reset()
    at.button(key="b.run").click().run()  # the same run again: every answer comes from the store
    wait_for_run(at)
    assert server.chat_requests() == [] and results(at)[OUT].tolist() == [echo(t) for t in UTTERANCES[TEXT]]
    assert metric(at, "비용") == "$0.0000"


def test_every_answer_is_in_the_store_as_it_arrives_and_hand_edits_are_saved(server):
    server.latency = 0.3
    at = connect(loaded(), server.base_url)
    at.number_input(key="w.concurrency").set_value(1).run()
    at.button(key="b.run").click().run()
    store, run_id = stored(at)
    job = at.session_state["row_job"]
    wait_until(lambda: len(store.results(run_id)) >= 2)
    assert job.running and store.run(run_id).rows == 4
    assert [r.output for r in store.results(run_id)][:2] == [echo(t) for t in UTTERANCES[TEXT][:2]]
    wait_for_run(at)
    assert [r.status for r in store.results(run_id)] == ["ok"] * 4 and store.run(run_id).finished
    edit_cell(at, 1, OUT, "손으로 고친 답")
    assert store.edited_rows(run_id) == {1} and store.results(run_id)[1].output == "손으로 고친 답"
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # latency per row
    assert metric(at, "비용").startswith("$")


def test_re_running_failed_rows_leaves_hand_edited_rows_alone():
    with FakeOpenAI(require_key="sk-right") as srv:
        at = connect(loaded(), srv.base_url, key="sk-wrong")
        at.button(key="b.run").click().run()
        wait_for_run(at)
        edit_cell(at, 1, OUT, "직접 쓴 답")
        at.text_input(key="w.api_key").input("sk-right").run()
        assert at.button(key="b.rerun_failed").label == "실패한 3행 다시 실행"
        srv.reset()
        at.button(key="b.rerun_failed").click().run()
        wait_for_run(at)
        assert sorted(last_user_text(b) for b in srv.chat_requests()) == sorted(
            f"<data>{UTTERANCES[TEXT][i]}</data>" for i in (0, 2, 3)
        )
        table = results(at)
        assert table[OUT][1] == "직접 쓴 답" and table["status"][[0, 2, 3]].tolist() == ["ok"] * 3
        store, run_id = stored(at)
        assert store.results(run_id)[1].output == "직접 쓴 답" and store.edited_rows(run_id) == {1}


def test_rows_whose_template_changed_are_re_run_and_edits_kept_unless_replaced(at, server):
    at.button(key="b.run").click().run()
    wait_for_run(at)
    assert at.button(key="b.rerun_changed").disabled
    edit_cell(at, 0, OUT, "내가 고친 첫 줄")
    at.text_area(key="w.template.clean").input("다듬기: <data>{text}</data>").run()
    assert at.button(key="b.rerun_changed").label == "템플릿이 바뀐 3행 다시 실행"
    server.reset()
    at.button(key="b.rerun_changed").click().run()
    wait_for_run(at)
    assert len(server.chat_requests()) == 3
    assert results(at)[OUT].tolist() == [
        "내가 고친 첫 줄",
        *(f"ECHO: 다듬기: <data>{t}</data>" for t in UTTERANCES[TEXT][1:]),
    ]
    at.checkbox(key="w.replace_edits").check().run()
    assert at.button(key="b.rerun_changed").label == "템플릿이 바뀐 1행 다시 실행"
    at.button(key="b.rerun_changed").click().run()
    wait_for_run(at)
    assert results(at)[OUT][0] == f"ECHO: 다듬기: <data>{UTTERANCES[TEXT][0]}</data>"
    store, run_id = stored(at)
    assert store.edited_rows(run_id) == set() and at.button(key="b.rerun_changed").disabled


def test_after_a_run_no_row_counts_as_changed_without_recounting_every_key(at, server):
    with mock.patch("ui.rows.runs.rows_to_rerun", wraps=runs.rows_to_rerun) as recount:
        at.button(key="b.run").click().run()
        wait_for_run(at)
        assert at.button(key="b.rerun_changed").disabled and recount.call_count == 0  # asked with this very setup
        at.text_area(key="w.template.clean").input("다듬기: <data>{text}</data>").run()
        assert at.button(key="b.rerun_changed").label == "템플릿이 바뀐 4행 다시 실행" and recount.call_count == 1
        at.text_area(key="w.template.clean").input(at.text_area(key="w.template.clean").value + " ").run()
        assert recount.call_count == 2  # another change: counted again


def test_a_budget_holds_back_rows_with_a_reason_and_resume_sends_only_those(at, server):
    at.number_input(key="w.max_tokens").set_value(16_000).run()  # worst case ≈ $0.0096 a request
    at.number_input(key="w.budget").set_value(0.02).run()  # room for two requests in flight
    assert any("예산 $0.0200을 넘을 수 있습니다" in w for w in texts(at.warning))
    at.button(key="b.run").click().run()
    wait_for_run(at)
    no_crash(at)
    table = results(at)
    assert table["status"].tolist() == ["ok", "ok", "cancelled", "cancelled"]
    assert table["error"].tolist()[2:] == ["예산에 닿아 보내지 않았습니다."] * 2
    assert any("예산 $0.02에 닿아 4행 중 2행은 보내지 않았습니다" in w for w in texts(at.warning))
    at.number_input(key="w.budget").set_value(0.0).run()
    assert at.button(key="b.resume").label == "이어서 실행: 답이 없는 2행"
    server.reset()
    at.button(key="b.resume").click().run()
    wait_for_run(at)
    assert sorted(last_user_text(b) for b in server.chat_requests()) == sorted(
        f"<data>{t}</data>" for t in UTTERANCES[TEXT][2:]
    )
    assert results(at)["status"].tolist() == ["ok"] * 4 and "b.resume" not in [b.key for b in at.button]


def test_packing_from_the_sidebar_sends_two_rows_a_request_and_the_quote_says_so(at, server):
    at.number_input(key="w.pack").set_value(2).run()
    assert metric(at, "요청 수") == "2"
    at.button(key="b.run").click().run()
    wait_for_run(at)
    no_crash(at)
    bodies = server.chat_requests()
    assert len(bodies) == 2 and all(b["response_format"]["type"] == "json_schema" for b in bodies)
    assert results(at)[OUT].tolist() == [f"ECHO: <data>{t}</data>" for t in UTTERANCES[TEXT]]
    store = Store(default_store_path())
    assert store.run(at.session_state["row_run"].run_id).params["pack"] == 2
