"""The summary page's map-reduce minutes against the local server: chunks, progress, the sidebar prompt in every
request, citations shown from the table, action items edited and downloaded, coverage told honestly."""

import io
import json
import re

import pandas as pd
import pytest

from core.jobs.minutes import MinutesJob
from core.minutes.citations import citations
from core.minutes.transcript import clock
from tests.app_support import downloads, minutes_text, new_app, no_crash, texts, upload, wait_until
from testserver.minutes import data_of, minutes_responder
from testserver.server import FakeOpenAI
from ui.minutes import writing

PROMPT = "우리 팀 규칙: 존댓말로 씁니다. TEAM-RULES"
ROW = re.compile(r"(?m)^#(\d+) ")
SPEAKERS = ["김민수", "이지은", "박서준"]
MEETING = pd.DataFrame(
    {
        "start": [str(i * 30) for i in range(24)],
        "화자": [SPEAKERS[(i // 2) % 3] for i in range(24)],
        "발화": [f"{i + 1}번째 발화: 결제 일정과 배포 계획을 이야기합니다." for i in range(24)],
    }
)


def rows_in(body: dict) -> set[int]:
    return {int(n) for n in ROW.findall(data_of(body["messages"]))}


@pytest.fixture
def stages(monkeypatch):
    """Every progress report the page's background job recorded: (stage, done, total)."""
    seen: list[tuple[str, int, int]] = []
    original = MinutesJob._progress

    def spy(self, stage, done, total):
        seen.append((stage, done, total))
        original(self, stage, done, total)

    monkeypatch.setattr(MinutesJob, "_progress", spy)
    return seen


def finish(at, timeout: float = 30.0):
    """Wait for the minutes being written in the background, then rerun so the page folds them in."""
    job = at.session_state["minutes_job"]
    if job is not None:
        assert job.wait(timeout), "the minutes were not written in time"
    return at.run()


def write(at):
    """Click the write button and wait for the minutes."""
    return finish(at.button(key="b.summary_write").click().run())


def prepared(srv: FakeOpenAI, chunk_tokens: int | None = 120):
    """A session on the summary page with the meeting uploaded, the team prompt typed and the chunk size set."""
    at = new_app()
    upload(at, "회의.csv", MEETING.to_csv(index=False).encode("utf-8-sig"))
    at.switch_page("pages/summary.py").run()
    at.text_input(key="w.base_url").input(srv.base_url).run()
    at.text_input(key="w.api_key").input("sk-test").run()
    at.sidebar.text_area[0].input(PROMPT).run()
    return at.number_input(key="w.chunk_tokens").set_value(chunk_tokens).run()


def written(srv: FakeOpenAI, chunk_tokens: int = 120):
    """The same session with the minutes written."""
    return write(prepared(srv, chunk_tokens))


def test_minutes_are_written_chunk_by_chunk_then_merged_with_the_prompt_in_every_request(stages):
    with FakeOpenAI(responder=minutes_responder, chunk_chars=16) as srv:
        at = written(srv)
        no_crash(at)
        bodies = srv.chat_requests()
    found = at.session_state["minutes"].result
    chunks = len(found.chunks)
    assert chunks >= 3 and any(f"{chunks}개 조각으로 나눠" in c for c in texts(at.caption))
    maps, final = bodies[:-1], bodies[-1]
    assert len(maps) == chunks and all(
        not b.get("stream") and b["response_format"]["type"] == "json_schema" for b in maps
    )
    assert final["stream"] is True and not rows_in(final) and "[부분 #1–#" in data_of(final["messages"])
    assert set().union(*(rows_in(b) for b in maps)) == set(range(1, 25))  # every utterance reached the model
    assert all(b["messages"][0]["role"] == "system" and b["messages"][0]["content"].startswith(PROMPT) for b in bodies)
    maps_seen = [s for s in stages if s[0] == "map"]
    assert [d for _, d, _ in maps_seen] == list(range(1, chunks + 1)) and {t for *_, t in maps_seen} == {chunks}
    assert ("final", 1, 1) in stages
    assert minutes_text(at) == found.markdown
    told = f"발화 24개를 모두 읽고 썼습니다 ({chunks}개 조각, 요청 {chunks + 1}번)"
    assert any(told in c for c in texts(at.caption))


def test_each_citation_shows_the_utterances_it_cites_from_the_table():
    with FakeOpenAI(responder=minutes_responder) as srv:
        at = written(srv)
    markdown = minutes_text(at)
    cited = citations(markdown)
    assert cited and all(set(c.rows) <= set(range(1, 25)) for c in cited)
    sections = [e.label for e in at.expander if " — 항목 " in e.label]
    assert sections[:2] == [
        f"요약 — 항목 {sum(c.section == '요약' for c in cited)}개",
        f"결정 사항 — 항목 {sum(c.section == '결정 사항' for c in cited)}개",
    ]
    frames = [d.value for d in at.dataframe if "speaker" in d.value.columns]
    assert len(frames) == len(sections)
    shown = pd.concat(frames, ignore_index=True)
    assert len(shown) == sum(len(c.rows) for c in cited)
    for line in shown.itertuples():
        source = MEETING.iloc[line.row - 1]
        assert (line.text, line.speaker, line.time) == (source["발화"], source["화자"], clock(source["start"]))
    first = cited[0]
    assert frames[0][frames[0]["item"] == 1]["row"].tolist() == list(first.rows)
    assert frames[0]["point"].iloc[0] == first.text


def test_action_items_are_edited_and_downloaded_and_survive_reruns_and_page_switches():
    with FakeOpenAI(responder=minutes_responder) as srv:
        at = written(srv)
    items = at.session_state["actions"]
    assert len(items) >= 2 and items.columns.tolist() == ["text", "owner", "due", "rows", "time"]
    assert items["rows"].str.match(r"^#\d+").all() and (items["time"] != "").all()
    at.session_state[f"w.actions.{at.session_state['actions_version']}"] = {
        "edited_rows": {0: {"owner": "최유리", "due": "3월 4일"}},
        "added_rows": [{"text": "=회의실 예약", "owner": "김민수", "rows": "#5"}],
        "deleted_rows": [1],
    }
    with downloads() as files:
        at.run()
    no_crash(at)
    edited = at.session_state["actions"]
    assert len(edited) == len(items) and edited.loc[0, ["owner", "due"]].tolist() == ["최유리", "3월 4일"]
    assert edited["text"].iloc[-1] == "=회의실 예약" and items["text"].iloc[1] not in edited["text"].tolist()
    csv, csv_mime = files["회의_회의록_할일.csv"]
    assert csv.startswith(b"\xef\xbb\xbf") and csv_mime == "text/csv"
    table = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert table.columns.tolist() == ["할 일", "담당", "기한", "근거 행", "시각"]
    assert table["담당"].iloc[0] == "최유리" and table["할 일"].iloc[-1] == "'=회의실 예약"  # no live formula
    xlsx, _ = files["회의_회의록_할일.xlsx"]
    sheet = pd.read_excel(io.BytesIO(xlsx), engine="calamine", dtype=str).fillna("")
    assert sheet["담당"].tolist() == edited["owner"].tolist() and sheet["할 일"].iloc[-1] == "=회의실 예약"
    assert json.loads(files["회의_회의록.json"][0])["edited"]["action_items"][0]["owner"] == "최유리"
    summary = minutes_text(at)
    at.download_button(key="d.actions_csv").click().run()
    at.download_button(key="d.json").click().run()
    at.switch_page("pages/rows.py").run().switch_page("pages/summary.py").run()
    no_crash(at)
    assert at.session_state["actions"].equals(edited) and minutes_text(at) == summary
    assert at.data_editor[0].value["owner"].tolist() == edited["owner"].tolist()


def test_a_chunk_that_fails_is_reported_missing_and_the_minutes_say_so():
    def responder(body):
        return '{"summary": [{"text": "잘린 답' if 3 in rows_in(body) else minutes_responder(body)

    with FakeOpenAI(responder=responder) as srv:
        at = written(srv)
        no_crash(at)
        asked = sum(3 in rows_in(b) for b in srv.chat_requests())
    coverage = at.session_state["minutes"].result.coverage
    assert asked == 2 and 3 in coverage.missing and not coverage.complete  # asked again once, then left out
    first, last = coverage.missing[0], coverage.missing[-1]
    [warning] = [w for w in texts(at.warning) if "요약하지 못해" in w]
    assert f"발화 {len(coverage.missing)}개(#{first}–#{last})" in warning and f"{coverage.share:.0%}" in warning
    assert minutes_text(at).startswith(f"> ⚠ #{first}–#{last}")


def test_when_every_chunk_fails_the_message_is_plain_and_the_last_minutes_stay():
    with FakeOpenAI(responder=minutes_responder) as srv:
        at = written(srv)
        before, actions = minutes_text(at), at.session_state["actions"]
        srv.responder = lambda body: "회의록 대신 아무 말"
        write(at)
    no_crash(at)
    assert any("어느 부분도 요약하지 못했습니다" in e for e in texts(at.error))
    assert any("세부 정보" in c for c in texts(at.caption))
    assert minutes_text(at) == before and at.session_state["actions"].equals(actions)


def test_a_final_answer_cut_short_keeps_what_was_streamed_and_says_it_is_unfinished():
    def responder(body):
        if body.get("stream"):
            return minutes_responder(body)[:-60]  # cut off in the middle of the last section
        return "형식에 맞지 않는 답" if "앞의 답을" in body["messages"][-1]["content"] else minutes_responder(body)

    with FakeOpenAI(responder=responder) as srv:
        at = written(srv)
    no_crash(at)
    assert any("회의록 형식으로 답하지 않았습니다" in e for e in texts(at.error))
    assert any("끝까지 쓰지 못했습니다" in w for w in texts(at.warning))
    kept = minutes_text(at)
    assert kept.startswith("## 요약\n- ") and citations(kept)  # the whole items that arrived, with their citations
    assert at.session_state["minutes"].result is None and not at.data_editor


def test_a_chunk_size_too_small_for_one_utterance_is_explained_before_anything_is_sent():
    long_name = MEETING.assign(화자="아주 긴 화자 이름 " * 20)
    with FakeOpenAI(responder=minutes_responder) as srv:
        at = new_app()
        upload(at, "회의.csv", long_name.to_csv(index=False).encode("utf-8-sig"))
        at.switch_page("pages/summary.py").run()
        at.text_input(key="w.base_url").input(srv.base_url).run()
        at.number_input(key="w.chunk_tokens").set_value(50).run()
        assert any("조각 크기가 너무 작아" in e for e in texts(at.error))
        write(at)
        assert srv.chat_requests() == []
    no_crash(at)
    assert minutes_text(at) == ""


def test_minutes_use_the_run_store_a_rewrite_asks_afresh_and_the_answer_has_room():
    with FakeOpenAI(responder=minutes_responder) as srv:
        at = written(srv)
        no_crash(at)
        first = len(srv.chat_requests())
        assert first > 2 and all(b["max_tokens"] >= 4096 for b in srv.chat_requests())
        again = written(srv)  # another session, the same transcript and settings: the stored answers serve it
        no_crash(again)
        assert len(srv.chat_requests()) == first and minutes_text(again)
        write(again)  # "write again" in the same session means a new answer
        no_crash(again)
        assert len(srv.chat_requests()) == 2 * first


def test_a_run_goes_on_through_page_switches_and_sidebar_edits_and_is_folded_in_once():
    with FakeOpenAI(responder=minutes_responder, latency=2.0) as srv:  # the first answer takes 2 s: the run lasts
        at = prepared(srv)
        at.sidebar.number_input(key="w.concurrency").set_value(1).run()
        version = at.session_state["minutes_version"]
        at.button(key="b.summary_write").click().run()
        no_crash(at)
        job = at.session_state["minutes_job"]
        assert job.running and at.get("progress") and at.button(key="b.minutes_stop").label == "멈추기"
        assert "b.summary_write" not in [b.key for b in at.button]  # the live panel stands in for the button
        at.switch_page("pages/upload.py").run()
        at.sidebar.text_area[0].input("바뀐 프롬프트").run()  # a rerun that used to stop the script and the run
        at.switch_page("pages/rows.py").run()
        assert job.running and at.session_state["minutes_job"] is job
        at.switch_page("pages/summary.py").run()
        assert at.get("progress") and at.session_state["minutes_version"] == version
        srv.latency = 0.0
        assert job.wait(30)
        at.switch_page("pages/upload.py").run().switch_page("pages/summary.py").run()
        no_crash(at)
        bodies = srv.chat_requests()
    found = at.session_state["minutes"].result
    assert found is not None and minutes_text(at) == found.markdown
    assert len(bodies) == len(found.chunks) + 1  # nothing was sent twice
    assert all(b["messages"][0]["content"].startswith(PROMPT) for b in bodies)  # the prompt it started with
    assert at.session_state["minutes_job"] is None and at.session_state["minutes_version"] == version + 1
    at.run().run()
    assert at.session_state["minutes_version"] == version + 1  # folded in once
    assert any("발화 24개를 모두 읽고" in c for c in texts(at.caption))


def test_stop_keeps_what_was_written_and_says_it_is_unfinished():
    with FakeOpenAI(responder=minutes_responder, latency=0.2, stream_seconds=12.0) as srv:
        at = prepared(srv, chunk_tokens=None)  # one chunk: the one request is streamed, slowly
        at.button(key="b.summary_write").click().run()
        job = at.session_state["minutes_job"]
        wait_until(lambda: "- " in job.snapshot().streamed)
        at.run()
        [box] = [m for m in texts(at.markdown) if m.startswith("## ")]
        assert box.endswith(writing.CURSOR)  # the Markdown as written, with the cursor
        at.button(key="b.minutes_stop").click().run()
        assert job.wait(30)  # winding down the abandoned stream can outlast Stop's short wait on a busy machine
        at.run()
        no_crash(at)
        assert len(srv.chat_requests()) == 1
    kept = minutes_text(at)
    assert kept == job.snapshot().streamed and box.startswith(kept) and citations(kept)
    assert any("끝까지 쓰지 못했습니다" in w for w in texts(at.warning)) and not texts(at.error)
    assert at.session_state["minutes"].result is None and at.session_state["minutes_job"] is None
    assert at.button(key="b.summary_write").label == "회의록 다시 쓰기"


def test_a_new_upload_stops_the_minutes_of_the_old_one_and_drops_them():
    with FakeOpenAI(responder=minutes_responder, latency=2.0) as srv:
        at = prepared(srv)
        at.button(key="b.summary_write").click().run()
        job = at.session_state["minutes_job"]
        upload(at, "다른 회의.csv", MEETING.head(6).to_csv(index=False).encode("utf-8-sig"))
        assert job.wait(30) and job.snapshot().cancelled  # at once, on the Upload page: no request for a stale file
        assert at.session_state["minutes_job"] is None
        at.switch_page("pages/summary.py").run()
        no_crash(at)
        at.run()
    assert at.session_state["minutes_job"] is None and minutes_text(at) == ""
    assert at.session_state["minutes"] is None and not at.get("progress")
    assert at.button(key="b.summary_write").label == "회의록 쓰기"
