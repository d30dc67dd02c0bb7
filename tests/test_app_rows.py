"""The rows page: template checks, dry run, a run against the local server, edits, stop, labels, the offline engine."""

import io
import json

import openpyxl
import pandas as pd

from tests.app_support import (
    TEXT,
    UTTERANCES,
    connect,
    cp949_csv,
    downloads,
    echo,
    edit_cell,
    loaded,
    no_crash,
    results,
    texts,
    wait_for_run,
    wait_until,
)
from testserver.faults import last_user_text
from testserver.server import FakeOpenAI

OUT = "정리된 발화"


def test_unknown_placeholder_is_flagged_and_nothing_is_sent(at, server):
    at.text_area(key="w.template.clean").input("<data>{없는열}</data> {발화}").run()
    no_crash(at)
    assert any("{없는열}" in e and "아무것도 보내지 않았습니다" in e for e in texts(at.error))
    assert at.button(key="b.run").disabled
    assert not at.main.expander  # no preview of messages that cannot be rendered
    assert server.chat_requests() == []


def test_dry_run_preview_shows_the_exact_messages_of_the_first_rows(at, server):
    at.text_area(key="w.template.clean").input("{화자}: <data>{text}</data>").run()
    shown = texts(at.code)
    assert any("당신은 한국어 녹취록 편집자입니다" in c for c in shown)  # the preset's system prompt
    assert "김민수: <data>" + UTTERANCES[TEXT][0] + "</data>" in shown
    assert "이지은: <data>" + UTTERANCES[TEXT][1] + "</data>" in shown
    assert {m.label for m in at.metric} >= {"요청 수", "입력 토큰", "예상 비용"}  # the quote, next to it
    assert server.chat_requests() == []


def test_a_run_gives_every_row_its_own_answer_with_the_sidebar_prompt(at, server):
    at.sidebar.text_area[0].input("발화를 다듬어 주세요. SYSTEM-7").run()
    at.button(key="b.run").click().run()
    wait_for_run(at)
    no_crash(at)
    table = results(at)
    assert table[OUT].tolist() == [echo(t) for t in UTTERANCES[TEXT]]
    assert table["status"].tolist() == ["ok"] * 4
    bodies = server.chat_requests()
    assert len(bodies) == 4
    assert all(b["messages"][0] == {"role": "system", "content": "발화를 다듬어 주세요. SYSTEM-7"} for b in bodies)
    assert sorted(last_user_text(b) for b in bodies) == sorted(f"<data>{t}</data>" for t in UTTERANCES[TEXT])
    shown = {m.label: m.value for m in at.metric}
    assert shown["완료"] == "4" and shown["실패·중지"] == "0" and int(shown["사용한 토큰"].replace(",", "")) > 0
    assert shown["응답 시간 p50"].endswith("s") and shown["응답 시간 p95"].endswith("s")
    assert any("4행 처리를 마쳤습니다" in s for s in texts(at.success))


def test_only_the_output_column_and_the_tick_are_editable(at):
    at.button(key="b.run").click().run()
    wait_for_run(at)
    config = json.loads(at.data_editor[0].proto.columns)
    editable = {name for name, c in config.items() if c.get("disabled") is not True}
    assert editable == {OUT, "_select"}
    assert {"번호", "화자", TEXT, "status", "error"} <= set(config)
    assert config["status"]["type_config"]["options"][1] == {"value": "ok", "label": "완료"}


def test_edits_go_into_both_downloads_and_survive_page_switches(at):
    at.button(key="b.run").click().run()
    wait_for_run(at)
    edit_cell(at, 1, OUT, "다음 주 월요일까지 보고서를 보내 주세요.")
    no_crash(at)
    at.switch_page("pages/summary.py").run().switch_page("pages/upload.py").run()
    with downloads() as files:
        at.switch_page("pages/rows.py").run()
    csv_bytes, mime = files[f"회의_{OUT}.csv"]
    assert mime == "text/csv" and csv_bytes.startswith(b"\xef\xbb\xbf")
    got = pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert got[OUT].tolist() == [
        echo(UTTERANCES[TEXT][0]),
        "다음 주 월요일까지 보고서를 보내 주세요.",
        echo(UTTERANCES[TEXT][2]),
        echo(UTTERANCES[TEXT][3]),
    ]
    assert got[TEXT].tolist() == UTTERANCES[TEXT].tolist() and "_select" not in got.columns
    sheet = openpyxl.load_workbook(io.BytesIO(files[f"회의_{OUT}.xlsx"][0])).active
    column = [c.value for c in sheet[1]].index(OUT)
    assert sheet.cell(row=3, column=column + 1).value == "다음 주 월요일까지 보고서를 보내 주세요."
    assert results(at)[OUT][1] == "다음 주 월요일까지 보고서를 보내 주세요."


def test_a_refused_key_reads_plainly_and_failed_rows_can_be_sent_again():
    with FakeOpenAI(require_key="sk-right") as srv:
        at = connect(loaded(), srv.base_url, key="sk-wrong")
        at.button(key="b.run").click().run()
        wait_for_run(at)
        no_crash(at)
        assert any("API 키가 거부되었습니다" in e for e in texts(at.error))
        table = results(at)
        assert table["status"].tolist() == ["failed"] * 4
        assert all("API 키가 거부되었습니다" in e for e in table["error"])
        assert table[TEXT].tolist() == UTTERANCES[TEXT].tolist()  # the table is still there
        at.text_input(key="w.api_key").input("sk-right").run()
        assert at.button(key="b.rerun_failed").label == "실패한 4행 다시 실행"
        at.button(key="b.rerun_failed").click().run()
        wait_for_run(at)
        table = results(at)
        assert table["status"].tolist() == ["ok"] * 4 and set(table["error"]) == {""}
        assert table[OUT].tolist() == [echo(t) for t in UTTERANCES[TEXT]]


def test_ticked_rows_are_re_run_alone_with_the_new_prompt(at, server):
    at.button(key="b.run").click().run()
    wait_for_run(at)
    edit_cell(at, 2, "_select", True)
    assert at.session_state["selected"] == {2}
    at.sidebar.text_area[0].input("두 번째 프롬프트").run()
    server.reset()
    at.button(key="b.rerun_selected").click().run()
    wait_for_run(at)
    bodies = server.chat_requests()
    assert len(bodies) == 1 and bodies[0]["messages"][0]["content"] == "두 번째 프롬프트"
    assert last_user_text(bodies[0]) == f"<data>{UTTERANCES[TEXT][2]}</data>"
    assert results(at)["status"].tolist() == ["ok"] * 4 and at.session_state["selected"] == set()


def test_stop_keeps_what_finished(server):
    rows = UTTERANCES.copy()
    rows.loc[2, TEXT] = "이 발화는 [[hang]] 끝나지 않습니다"
    at = connect(loaded(cp949_csv(rows)), server.base_url)
    at.number_input(key="w.concurrency").set_value(1).run()
    at.button(key="b.run").click().run()
    job = at.session_state["row_job"]
    wait_until(lambda: job.snapshot().done == 2 and server.in_flight == 1)
    at.run()
    assert at.get("progress") and at.button(key="b.stop")
    at.button(key="b.stop").click().run()
    wait_for_run(at)
    no_crash(at)
    table = results(at)
    assert table["status"].tolist() == ["ok", "ok", "cancelled", "cancelled"]
    assert table[OUT].tolist()[:2] == [echo(t) for t in rows[TEXT][:2]]
    assert any("중지했습니다" in w for w in texts(at.warning))
    assert at.button(key="b.rerun_failed").label == "실패한 2행 다시 실행"


def test_the_page_keeps_working_while_a_run_goes(server):
    server.latency = 0.3
    at = connect(loaded(), server.base_url)
    at.number_input(key="w.concurrency").set_value(1).run()
    at.button(key="b.run").click().run()
    assert at.get("progress")  # the live panel, not a frozen page
    at.switch_page("pages/upload.py").run()
    assert any("백그라운드 실행 중" in p.proto.text for p in at.sidebar.get("progress"))
    at.switch_page("pages/rows.py").run()
    wait_for_run(at)
    assert results(at)["status"].tolist() == ["ok"] * 4


def emotion_answer(body: dict) -> str:
    text = last_user_text(body)
    return "기쁨" if "알겠습니다" in text else "잘 모르겠어요" if "예산" in text else "중립"


def test_label_task_uses_the_edited_labels_and_charts_the_counts():
    with FakeOpenAI(responder=emotion_answer) as srv:
        at = connect(loaded(), srv.base_url)
        at.selectbox(key="w.task").set_value("emotion").run()
        labels = at.multiselect(key="w.labels.emotion")
        assert labels.value == ["기쁨", "슬픔", "분노", "불안", "놀람", "중립"]
        labels.set_value(["기쁨", "중립", "걱정"]).run()
        assert "기쁨, 중립, 걱정" in at.sidebar.text_area[0].value
        at.button(key="b.run").click().run()
        wait_for_run(at)
        no_crash(at)
        assert all("기쁨, 중립, 걱정" in b["messages"][0]["content"] for b in srv.chat_requests())
        table = results(at)
        assert table["감정"].tolist() == ["중립", "중립", "기쁨", "잘 모르겠어요"]
        assert table["status"].tolist() == ["ok", "ok", "ok", "review"]
        assert {m.label: m.value for m in at.metric}["검토 필요"] == "1"
        assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
        assert at.subheader and "라벨별 행 수" in texts(at.subheader)


def test_a_custom_template_writes_to_its_own_column(at, server):
    at.selectbox(key="w.task").set_value("custom").run()
    at.text_area(key="w.template.custom").input("{화자}의 말: {발화}").run()
    at.text_input(key="w.custom_output").input("메모").run()
    at.button(key="b.run").click().run()
    wait_for_run(at)
    assert results(at)["메모"].tolist() == [
        f"ECHO: {s}의 말: {t}" for s, t in zip(UTTERANCES["화자"], UTTERANCES[TEXT])
    ]
    assert all(b["messages"][0]["role"] == "user" for b in server.chat_requests())  # empty system prompt: none sent


def test_a_custom_output_name_that_is_an_input_column_is_refused(at, server):
    at.selectbox(key="w.task").set_value("custom").run()
    at.text_input(key="w.custom_output").input(TEXT).run()
    assert any("입력 열과 같습니다" in e for e in texts(at.error)) and at.button(key="b.run").disabled
    assert server.chat_requests() == []


def test_a_changed_template_can_be_reset_to_the_preset(at):
    reset = lambda: at.button(key="b.reset_template")
    assert reset().disabled
    at.text_area(key="w.template.clean").input("{화자}: <data>{text}</data>").run()
    assert not reset().disabled
    reset().click().run()
    assert at.text_area(key="w.template.clean").value == "<data>{text}</data>" and reset().disabled


def test_with_no_key_the_offline_engine_answers_and_a_banner_says_so(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    at = loaded()
    assert any("오프라인 엔진으로 실행합니다" in i for i in texts(at.info))
    at.button(key="b.run").click().run()
    wait_for_run(at)
    no_crash(at)
    table = results(at)
    assert table["status"].tolist() == ["ok"] * 4
    assert table[OUT][0] and "음 그러니까" not in table[OUT][0]  # fillers gone, by rule rather than by GPT


def test_a_task_the_offline_engine_cannot_do_is_refused_in_plain_words(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    at = loaded()
    at.selectbox(key="w.task").set_value("emotion").run()
    at.button(key="b.run").click().run()
    no_crash(at)
    assert any("언어 모델이 있어야 합니다" in e for e in texts(at.error))
    assert at.session_state["row_job"] is None and at.session_state["table"] is not None
