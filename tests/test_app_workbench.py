"""The Workbench page in AppTest: saved prompts, the sidebar's badge, try and compare on a sample, picks, use a
variant, learn from corrections (in the preview and on the wire), the review queue and compare runs."""

import pytest

from core.workbench.sampling import sample_rows
from tests.app_support import TEXT, UTTERANCES, connect, edit_cell, loaded, no_crash, wait_for_run, wait_for_trial
from testserver.server import FakeOpenAI

WB = "pages/workbench.py"


def tagged(body):
    """First word of the system prompt | the row's message: two system prompts give two answers."""
    first = body["messages"][0]
    tag = first["content"].split()[0] if first["role"] == "system" and first["content"].split() else "-"
    return f"{tag}|{body['messages'][-1]['content']}"


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI(responder=tagged) as srv:
        yield srv


@pytest.fixture
def at(server):
    server.reset()
    app = connect(loaded(), server.base_url)
    return app.switch_page(WB).run()


def badge(at):
    return [c.value for c in at.sidebar.caption if c.value.startswith("📌")][0]


def save(at, name, note=""):
    at.text_input(key="w.wb.save_name").input(name).run()
    if note:
        at.text_input(key="w.wb.save_note").input(note).run()
    return at.button(key="b.wb.save").click().run()


def test_page_draws_every_tab_without_a_crash(at):
    no_crash(at)
    assert at.title[0].value == "프롬프트 작업대"
    assert [tab.label for tab in at.tabs] == ["시험 · 비교", "저장된 프롬프트", "라벨 검토", "실행 비교"]
    assert badge(at) == "📌 저장된 프롬프트가 아님 (작업대에서 저장)"


def test_save_shows_in_the_sidebar_then_edits_are_unsaved_then_a_version_loads_back(at):
    save(at, "공손", "첫 버전")
    no_crash(at)
    assert badge(at) == "📌 공손 v1 · 저장됨"
    at.sidebar.text_area[0].input("짧게 정리하세요.").run()
    assert badge(at) == "📌 공손 v1 · ✏️ 저장하지 않은 변경"
    save(at, "공손")
    assert badge(at) == "📌 공손 v2 · 저장됨"
    assert "+짧게 정리하세요." in at.code[0].value  # the diff of v1 → v2
    at.selectbox(key="w.wb.v.공손").set_value(1).run()
    at.button(key="b.wb.load").click().run()
    assert badge(at) == "📌 공손 v1 · 저장됨" and at.sidebar.text_area[0].value != "짧게 정리하세요."


def test_rename_and_delete(at):
    save(at, "이름")
    at.text_input(key="w.wb.rename").input("새 이름").run()
    at.button(key="b.wb.rename").click().run()
    assert badge(at) == "📌 새 이름 v1 · 저장됨"
    assert at.button(key="b.wb.delete").disabled
    at.checkbox(key="w.wb.delete_sure").check().run()
    at.button(key="b.wb.delete").click().run()
    no_crash(at)
    assert badge(at).startswith("📌 저장된 프롬프트가 아님")


def test_try_on_the_first_rows_with_its_quote(at, server):
    at.number_input(key="w.wb.n").set_value(2).run()
    assert at.caption[1].value.startswith("표본: 2행 · 요청 2건")
    wait_for_trial(at.button(key="b.wb.try").click().run())
    no_crash(at)
    sent = [b["messages"][-1]["content"] for b in server.chat_requests()]
    assert sorted(sent) == sorted(f"<data>{t}</data>" for t in UTTERANCES[TEXT][:2])
    table = at.dataframe[1].value
    assert len(table) == 2 and table.iloc[0, 0] == 1


def test_seeded_random_and_ticked_samples(at, server):
    at.radio(key="w.wb.how").set_value("random").run()
    at.number_input(key="w.wb.seed").set_value(3).run()
    at.number_input(key="w.wb.n").set_value(2).run()
    wait_for_trial(at.button(key="b.wb.try").click().run())
    want = {f"<data>{UTTERANCES[TEXT][i]}</data>" for i in sample_rows(4, 2, how="random", seed=3)}
    assert {b["messages"][-1]["content"] for b in server.chat_requests()} == want
    server.reset()
    at.session_state["selected"] = {3}
    at.radio(key="w.wb.how").set_value("given").run()
    wait_for_trial(at.button(key="b.wb.try").click().run())
    assert [b["messages"][-1]["content"] for b in server.chat_requests()] == [f"<data>{UTTERANCES[TEXT][3]}</data>"]


def test_compare_with_the_saved_version_pick_tally_and_use(at, server):
    save(at, "기본")
    at.sidebar.text_area[0].input("새로운 지침입니다").run()
    at.number_input(key="w.wb.n").set_value(3).run()
    wait_for_trial(at.button(key="b.wb.compare").click().run())
    no_crash(at)
    systems = sorted(b["messages"][0]["content"].split()[0] for b in server.chat_requests())
    assert systems.count("새로운") == 3 and len(systems) == 6
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["바뀜"] == "3" and metrics["그대로"] == "0"
    cells = [m.value for m in at.markdown if "wb-diff" in m.value and "<del>" in m.value]
    assert len(cells) == 3 and "<del>새로운</del>" in cells[0]
    at.segmented_control(key="w.wb.pick.0").set_value("B").run()
    at.segmented_control(key="w.wb.pick.1").set_value("A").run()
    assert any("**A 1** · **B 1** · 고르지 않은 행 1" in m.value for m in at.markdown)
    at.button(key="b.wb.use_b").click().run()
    assert badge(at) == "📌 기본 v1 · 저장됨"


def test_compare_another_model_and_temperature(at, server):
    at.text_input(key="w.wb.b_model").input("gpt-4.1-mini").run()
    at.number_input(key="w.wb.b_temp").set_value(0.9).run()
    at.number_input(key="w.wb.n").set_value(1).run()
    wait_for_trial(at.button(key="b.wb.compare").click().run())
    got = sorted((b["model"], b["temperature"]) for b in server.chat_requests())
    assert got == [("gpt-4.1-mini", 0.9), ("gpt-4o-mini", 0.2)]


def test_learn_from_corrections_shows_examples_in_the_preview_and_sends_them(at, server):
    at.switch_page("pages/rows.py").run()
    at.button(key="b.run").click().run()
    wait_for_run(at)
    edit_cell(at, 0, "정리된 발화", "제가 말씀드린 건 일정이 늦어진다는 거죠.")
    at.toggle(key="w.wb.learn.rows").set_value(True).run()
    no_crash(at)
    shown = [c.value for c in at.code]
    assert "제가 말씀드린 건 일정이 늦어진다는 거죠." in shown
    server.reset()
    at.switch_page(WB).run()
    assert at.toggle(key="w.wb.learn.trial").value is True
    at.radio(key="w.wb.how").set_value("random").run()
    at.number_input(key="w.wb.n").set_value(1).run()
    at.number_input(key="w.wb.seed").set_value(1).run()
    wait_for_trial(at.button(key="b.wb.try").click().run())
    (body,) = server.chat_requests()
    pairs = [(m["role"], m["content"]) for m in body["messages"]]
    assert ("assistant", "제가 말씀드린 건 일정이 늦어진다는 거죠.") in pairs
    assert pairs.index(("assistant", "제가 말씀드린 건 일정이 늦어진다는 거죠.")) < len(pairs) - 1


def test_review_queue_for_a_label_task(at, server):
    at.switch_page("pages/rows.py").run()
    at.selectbox(key="w.task").set_value("emotion").run()
    at.button(key="b.run").click().run()
    wait_for_run(at)  # the server's answers are not labels: every row is to review
    at.switch_page(WB).run()
    no_crash(at)
    assert len(at.session_state["workbench"].review.items) == 4
    label = at.button(key="b.wb.label.1").label.split(" · ")[1]
    at.button(key="b.wb.label.1").click().run()
    at.button(key="b.wb.skip").click().run()
    at.button(key="b.wb.accept").click().run()
    assert at.session_state["edits"][0] == label
    assert 1 not in at.session_state["edits"] and 2 in at.session_state["edits"]
    assert at.toggle(key="w.wb.learn.trial").label.endswith("(수정한 행 2개)")


def test_compare_two_runs_of_the_same_file(at, server):
    at.switch_page("pages/rows.py").run()
    at.button(key="b.run").click().run()
    wait_for_run(at)
    at.sidebar.text_area[0].input("다르게 정리").run()
    at.button(key="b.run").click().run()
    wait_for_run(at)
    at.switch_page(WB).run()
    no_crash(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["바뀜"] == "4" and metrics["그대로"] == "0"
    assert "+다르게 정리" in "\n".join(c.value for c in at.code)


def test_export_then_import_prompts_as_toml(at):
    from tests.app_support import downloads

    save(at, "공유", "나눔")
    with downloads() as files:
        at.run()
    data, mime = files["prompts.toml"]
    assert mime == "application/toml" and "[[prompt]]" in data.decode() and 'name = "공유"' in data.decode()
    text = data.decode().replace("공유", "받은 프롬프트")
    at.file_uploader(key="w.wb.import").set_value(("p.toml", text.encode(), "application/toml")).run()
    at.button(key="b.wb.import").click().run()
    no_crash(at)
    assert at.success[0].value == "프롬프트 1개, 새 버전 1개를 가져왔습니다."
    assert "받은 프롬프트" in at.selectbox(key="w.wb.prompt.clean").options


def test_history_links_to_the_comparison_of_runs(at, server):
    at.switch_page("pages/rows.py").run()
    for _ in range(2):
        at.button(key="b.run").click().run()
        wait_for_run(at)
    at.switch_page("pages/history.py").run()
    no_crash(at)
    links = [e for e in at.get("page_link") if "이전 실행(1개)" in e.proto.label]
    assert len(links) == 1 and links[0].proto.page.endswith("workbench")


def test_a_try_runs_in_the_background_and_stop_leaves_no_comparison(at, server):
    at.sidebar.number_input(key="w.concurrency").set_value(1).run()
    at.number_input(key="w.wb.n").set_value(3).run()
    server.latency = 10.0  # the first answer is still on its way when Stop is clicked
    try:
        at.button(key="b.wb.try").click().run()
        no_crash(at)
        assert at.button(key="b.wb.try").disabled and at.button(key="b.wb.compare").disabled  # one at a time
        at.button(key="b.wb.stop").click().run()
        said = [i.value for i in at.info]  # the job may already have ended: then this run says so
        wait_for_trial(at)
        said += [i.value for i in at.info]
    finally:
        server.latency = 0.0
    no_crash(at)
    assert sum("중지했습니다" in text for text in said) == 1, said  # said once, whenever the job ended
    assert at.session_state["workbench"].trial is None and at.session_state["workbench"].job is None
    assert len(server.chat_requests()) <= 1  # at most the one in flight (concurrency 1); the others never sent
    assert not at.button(key="b.wb.try").disabled
    wait_for_trial(at.button(key="b.wb.try").click().run())
    assert at.session_state["workbench"].trial is not None  # and a new try works
