"""The History page and the run store behind the rows page: list, reopen, resume, download again, delete."""

import io

import openpyxl
import pandas as pd

from core.rows.plan import row_plan
from core.rows.service import RunSetup, execute_sync
from core.settings import ModelSettings
from core.store import ENV_STORE, Store, default_store_path
from tests.app_support import (
    TEXT,
    UTTERANCES,
    connect,
    downloads,
    echo,
    edit_cell,
    loaded,
    metric,
    new_app,
    no_crash,
    results,
    texts,
    wait_for_run,
)
from testserver.faults import last_user_text

OUT = "정리된 발화"
EDIT = "손으로 고친 둘째 줄"


def earlier_session(server, prompt: str = "기록용 시스템 프롬프트"):
    """A session that ran 대본 정리 with its own system prompt and fixed one answer by hand."""
    at = connect(loaded(), server.base_url)
    at.sidebar.text_area[0].input(prompt).run()
    at.button(key="b.run").click().run()
    wait_for_run(at)
    return edit_cell(at, 1, OUT, EDIT)


def history(server):
    """A new session on the History page."""
    return connect(new_app(), server.base_url).switch_page("pages/history.py").run()


def test_history_lists_runs_and_reopens_one_with_its_prompt_results_and_edits(server):
    earlier_session(server)
    at = history(server)
    no_crash(at)
    listed = at.dataframe[0].value
    assert listed["파일"].tolist() == ["회의.csv"] and listed["작업"].tolist() == ["대본 정리"]
    assert listed[["행 수", "완료", "실패"]].values.tolist() == [[4, 4, 0]]
    assert listed["모델·엔진"].tolist() == ["gpt-4o-mini"] and listed["상태"].tolist() == ["✅ 끝남"]
    assert int(listed["토큰"][0]) > 0 and listed["비용"][0].startswith("$")
    at.button(key="b.reopen").click().run()
    no_crash(at)
    assert texts(at.title) == ["행별 처리"]
    table = results(at)
    assert table[OUT].tolist() == [echo(UTTERANCES[TEXT][0]), EDIT, *map(echo, UTTERANCES[TEXT][2:])]
    assert table[TEXT].tolist() == UTTERANCES[TEXT].tolist()
    assert at.sidebar.text_area[0].value == "기록용 시스템 프롬프트"
    assert at.button(key="b.rerun_changed").disabled  # same prompt and model: nothing changed
    assert any("손으로 고친 셀: 1개" in c for c in texts(at.caption))


def test_a_reopened_run_keeps_saving_edits_and_re_runs_into_the_same_run(server):
    earlier_session(server)
    at = history(server)
    at.button(key="b.reopen").click().run()
    at.switch_page("pages/rows.py")  # AppTest's next run() would redraw the page it last switched to itself
    run_id = at.session_state["row_run"].run_id
    edit_cell(at, 3, OUT, "넷째 줄도 고침")
    at.sidebar.text_area[0].input("두 번째 프롬프트").run()
    server.reset()
    at.button(key="b.rerun_changed").click().run()  # row 1 and row 3 were edited: kept
    wait_for_run(at)
    assert sorted(last_user_text(b) for b in server.chat_requests()) == sorted(
        f"<data>{UTTERANCES[TEXT][i]}</data>" for i in (0, 2)
    )
    store = Store(default_store_path())
    assert [r.output for r in store.results(run_id)] == [
        echo(UTTERANCES[TEXT][0]),
        EDIT,
        echo(UTTERANCES[TEXT][2]),
        "넷째 줄도 고침",
    ]
    assert len(store.runs()) == 1


def test_a_run_is_downloaded_again_from_the_history(server):
    earlier_session(server)
    at = history(server)
    with downloads() as files:
        at.run()
    run_id = Store(default_store_path()).runs()[0].id
    csv_bytes, mime = files[f"회의_{OUT}_{run_id}.csv"]
    assert mime == "text/csv" and csv_bytes.startswith(b"\xef\xbb\xbf")
    got = pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert got[OUT].tolist() == [echo(UTTERANCES[TEXT][0]), EDIT, *map(echo, UTTERANCES[TEXT][2:])]
    assert got[TEXT].tolist() == UTTERANCES[TEXT].tolist() and set(got["status"]) == {"ok"}
    sheet = openpyxl.load_workbook(io.BytesIO(files[f"회의_{OUT}_{run_id}.xlsx"][0])).active
    assert sheet.cell(row=3, column=[c.value for c in sheet[1]].index(OUT) + 1).value == EDIT


def test_deleting_a_run_asks_first(server):
    earlier_session(server)
    at = history(server)
    at.button(key="b.delete").click().run()
    assert any("되돌릴 수 없습니다" in w for w in texts(at.warning))
    at.button(key="b.delete_no").click().run()
    assert not at.warning and len(Store(default_store_path()).runs()) == 1
    at.button(key="b.delete").click().run()
    at.button(key="b.delete_yes").click().run()
    no_crash(at)
    assert Store(default_store_path()).runs() == []
    assert any("아직 실행 기록이 없습니다" in i for i in texts(at.info))


def cut_short(server) -> int:
    """A run of the first two rows only, as a session or the CLI leaves it when it dies part-way."""
    plan = row_plan(task="clean", text_column=TEXT)
    job = RunSetup(
        UTTERANCES, "회의.csv", plan, ModelSettings(base_url=server.base_url, api_key="sk-test-key"), engine="openai"
    )
    store = Store(default_store_path())
    outcome = execute_sync(job, store=store, only=[0, 1])
    server.reset()
    return outcome.run_id


def test_a_run_cut_short_in_an_earlier_session_resumes_asking_only_the_missing_rows(server):
    run_id = cut_short(server)
    at = connect(new_app(), server.base_url).switch_page("pages/rows.py").run()
    assert any("끊긴 실행이 있습니다" in m for m in texts(at.markdown))
    assert at.button(key="b.resume_offer").label == "이어서 실행: 답이 없는 2행"
    at.button(key="b.resume_offer").click().run()
    wait_for_run(at)
    no_crash(at)
    assert sorted(last_user_text(b) for b in server.chat_requests()) == sorted(
        f"<data>{t}</data>" for t in UTTERANCES[TEXT][2:]
    )
    table = results(at)
    assert table[OUT].tolist() == [echo(t) for t in UTTERANCES[TEXT]] and set(table["status"]) == {"ok"}
    assert at.session_state["row_run"].run_id == run_id
    assert not any("끊긴 실행이 있습니다" in m for m in texts(at.markdown))  # nothing left to resume


def test_the_history_marks_a_run_cut_short_and_resumes_it(server):
    cut_short(server)
    at = history(server)
    assert at.dataframe[0].value["상태"].tolist() == ["⏸️ 끊김"]
    at.button(key="b.resume_run").click().run()
    wait_for_run(at)
    assert len(server.chat_requests()) == 2
    at.switch_page("pages/history.py").run()
    assert at.dataframe[0].value["상태"].tolist() == ["✅ 끝남"] and at.button(key="b.resume_run").disabled


def test_a_run_store_that_cannot_be_opened_is_a_plain_message_and_the_table_stays(server, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(ENV_STORE, str(blocker / "runs.sqlite3"))
    at = connect(loaded(), server.base_url)
    no_crash(at)
    assert metric(at, "요청 수") == "4"  # the quote still works
    at.button(key="b.run").click().run()
    no_crash(at)
    assert any("실행 기록 파일" in e and "열 수 없습니다" in e for e in texts(at.error))
    assert at.session_state["table"] is not None and server.chat_requests() == []
