"""The summary page: minutes streamed from the local server, edited, downloaded; failures in plain words; offline,
an extractive summary that says what it is."""

import json
import re
import socket

import pytest

from core.engines.factory import ENGINES
from core.jobs.minutes import MinutesJob
from tests.app_support import (
    TEXT,
    UTTERANCES,
    connect,
    cp949_csv,
    downloads,
    minutes_text,
    new_app,
    no_crash,
    texts,
    upload,
)
from testserver.minutes import data_of, minutes_responder
from testserver.server import FakeOpenAI

PROMPT = "회의록을 짧게 쓰세요. MINUTES-PROMPT"
BULLET = re.compile(r"(?m)^- .+ \[#\d+[^\]]*\]$")


def on_summary(**context):
    at = new_app(**context)
    upload(at, "회의.csv", cp949_csv())
    return at.switch_page("pages/summary.py").run()


@pytest.fixture
def deltas(monkeypatch):
    """What the page was sent while the minutes were written, delta by delta."""
    seen: list[str] = []
    original = MinutesJob._delta

    def spy(self, text):
        seen.append(text)
        original(self, text)

    monkeypatch.setattr(MinutesJob, "_delta", spy)
    return seen


def write(at):
    """Click the write button, wait for the minutes written in the background, rerun so the page shows them."""
    at.button(key="b.summary_write").click().run()
    job = at.session_state["minutes_job"]
    if job is not None:
        assert job.wait(30), "the minutes were not written in time"
    return at.run()


def test_minutes_are_streamed_onto_the_page_kept_and_editable(deltas):
    with FakeOpenAI(responder=minutes_responder, chunk_chars=3) as srv:
        at = connect(on_summary(), srv.base_url)
        assert "회의록 요약" in at.sidebar.text_area[0].label
        at.sidebar.text_area[0].input(PROMPT).run()
        assert any("요청 한 번으로" in c for c in texts(at.caption))  # four utterances fit one chunk
        write(at)
        no_crash(at)
        [body] = srv.chat_requests()
    assert body["stream"] is True and body["messages"][0]["content"].startswith(PROMPT)
    sent = data_of(body["messages"])
    assert all(f"{s}: {t}" in sent for s, t in zip(UTTERANCES["화자"], UTTERANCES[TEXT]))
    minutes = minutes_text(at)
    assert len(deltas) > 3 and "".join(deltas) == minutes  # whole items reached the page as they were written
    assert "## 요약" in minutes and BULLET.search(minutes)
    assert any("## 할 일" in m for m in texts(at.markdown))
    assert {m.label for m in at.metric} >= {"요청 수", "사용한 토큰", "출력 토큰", "걸린 시간"}
    assert any("발화 4개를 모두 읽고" in c for c in texts(at.caption))
    editor = at.text_area(key=f"w.summary.{at.session_state['minutes_version']}")
    editor.input(minutes + "\n## 메모\n- 예산 [#4]").run()
    at.switch_page("pages/upload.py").run().switch_page("pages/summary.py").run()
    assert minutes_text(at).endswith("- 예산 [#4]")
    assert any(e.label.startswith("메모 — 항목 1개") for e in at.expander)  # the sources follow the edited text


def test_downloads_hold_the_edited_minutes_and_the_structured_result():
    with FakeOpenAI(responder=minutes_responder) as srv:
        at = connect(on_summary(), srv.base_url)
        write(at)
        editor = at.text_area(key=f"w.summary.{at.session_state['minutes_version']}")
        with downloads() as files:
            editor.input("## 요약\n**고친** 회의록 [#2]").run()
    md, md_mime = files["회의_회의록.md"]
    txt, txt_mime = files["회의_회의록.txt"]
    raw, json_mime = files["회의_회의록.json"]
    assert md.decode("utf-8") == "## 요약\n**고친** 회의록 [#2]" and md_mime == "text/markdown"
    assert txt.startswith(b"\xef\xbb\xbf") and txt_mime == "text/plain"
    assert txt.decode("utf-8-sig") == "요약\r\n고친 회의록 [#2]\r\n"
    doc = json.loads(raw)
    assert json_mime == "application/json" and doc["edited"]["markdown"] == "## 요약\n**고친** 회의록 [#2]"
    assert doc["coverage"]["complete"] and doc["minutes"]["summary"] and doc["chunks"][0]["first_row"] == 1
    assert doc["markdown"] != doc["edited"]["markdown"]  # what the model wrote stays beside the edit


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_endpoint_reads_plainly_and_keeps_the_table():
    at = connect(on_summary(), f"http://127.0.0.1:{closed_port()}/v1")
    at.number_input(key="w.max_retries").set_value(0).run()
    write(at)
    no_crash(at)
    assert any("서버에 연결할 수 없습니다" in e for e in texts(at.error))
    assert at.session_state["table"].df[TEXT].tolist() == UTTERANCES[TEXT].tolist()
    assert minutes_text(at) == "" and at.session_state["minutes"] is None


def test_a_refused_key_reads_plainly_in_english():
    with FakeOpenAI(require_key="sk-right") as srv:
        at = connect(on_summary(locale="en-US"), srv.base_url, key="sk-wrong")
        write(at)
        assert not at.exception
        assert any("The API key was refused" in e for e in texts(at.error))


def summary_bullets(markdown: str) -> list[str]:
    section = markdown.split("## 키워드")[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def test_with_no_key_the_offline_engine_gives_an_extractive_summary_and_says_so(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert "offline" in ENGINES
    at = on_summary()
    assert any("API 키가 없습니다" in c for c in texts(at.sidebar.caption))
    assert any("오프라인 엔진으로 실행합니다" in i for i in texts(at.info))  # the banner: not GPT, and why
    assert any("발췌 요약" in i and "회의록은 아닙니다" in i for i in texts(at.info))
    assert "w.chunk_tokens" not in [n.key for n in at.number_input]  # no chunks: nothing is sent
    assert at.button(key="b.summary_write").label == "발췌 요약 만들기"
    at.number_input(key="w.summary_sentences").set_value(1).run()
    at.button(key="b.summary_write").click().run()
    no_crash(at)
    one = minutes_text(at)
    assert len(summary_bullets(one)) == 1 and "## 키워드" in one
    assert all(re.search(r"\[#[1-4]\]$", b) for b in summary_bullets(one))  # each sentence with its row
    assert any("발췌 요약" in c for c in texts(at.caption))  # the result is labelled for what it is
    assert not at.data_editor and not [d for d in at.download_button if d.key == "d.json"]  # no pretend minutes
    assert at.session_state["minutes"].result is None and at.session_state["actions"] is None
    at.number_input(key="w.summary_sentences").set_value(3).run()
    at.button(key="b.summary_write").click().run()
    three = summary_bullets(minutes_text(at))
    assert len(three) == 3 and at.button(key="b.summary_write").label == "발췌 요약 다시 만들기"
    said = dict(zip(range(1, 5), UTTERANCES[TEXT]))
    for bullet in three:
        row = int(re.search(r"\[#(\d+)\]$", bullet).group(1))
        words = bullet.split(": ", 1)[1].rsplit(" [", 1)[0].split()
        assert set(words) <= set(said[row].split())  # the sentence is from the row it cites
