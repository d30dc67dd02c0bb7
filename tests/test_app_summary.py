"""The summary page: minutes streamed from the local server, edited, downloaded; failures in plain words."""
import socket

from core.engines import ENGINES
from tests.app_support import (TEXT, UTTERANCES, connect, cp949_csv, downloads, new_app, no_crash, texts,
                               upload)
from tests.fake_openai import FakeOpenAI
from tests.fake_openai_faults import last_user_text


def on_summary(**context):
    at = new_app(**context)
    upload(at, "회의.csv", cp949_csv())
    return at.switch_page("pages/summary.py").run()


def minutes(body: dict) -> str:
    return "## 요약\n**일정**이 늦어집니다.\n## 할 일\n- 보고서 (담당: 이지은, 기한: 월요일)"


def test_minutes_are_streamed_kept_and_editable():
    with FakeOpenAI(responder=minutes, chunk_chars=3) as srv:
        at = connect(on_summary(), srv.base_url)
        assert "회의록 요약" in at.sidebar.text_area[0].label
        at.sidebar.text_area[0].input("회의록을 짧게 쓰세요. MINUTES-PROMPT").run()
        at.button(key="b.summary_write").click().run()
        no_crash(at)
        body = srv.chat_requests()[-1]
        assert body["stream"] is True
        assert body["messages"][0] == {"role": "system", "content": "회의록을 짧게 쓰세요. MINUTES-PROMPT"}
        sent = last_user_text(body)
        assert all(f"{s}: {t}" in sent for s, t in zip(UTTERANCES["화자"], UTTERANCES[TEXT]))
        assert at.session_state["summary"] == minutes(body)
        assert any("**일정**이 늦어집니다" in m for m in texts(at.markdown))
        assert {m.label for m in at.metric} >= {"사용한 토큰", "출력 토큰", "걸린 시간"}
        editor = at.text_area(key=f"w.summary.{at.session_state['summary_version']}")
        editor.input(minutes(body) + "\n## 열린 질문\n- 예산").run()
        at.switch_page("pages/upload.py").run().switch_page("pages/summary.py").run()
        assert at.session_state["summary"].endswith("- 예산")


def test_downloads_hold_the_edited_minutes():
    with FakeOpenAI(responder=minutes) as srv:
        at = connect(on_summary(), srv.base_url)
        at.button(key="b.summary_write").click().run()
        editor = at.text_area(key=f"w.summary.{at.session_state['summary_version']}")
        with downloads() as files:
            editor.input("## 요약\n**고친** 회의록").run()
        md, md_mime = files["회의_회의록.md"]
        txt, txt_mime = files["회의_회의록.txt"]
        assert md.decode("utf-8") == "## 요약\n**고친** 회의록" and md_mime == "text/markdown"
        assert txt.startswith(b"\xef\xbb\xbf") and txt_mime == "text/plain"
        assert txt.decode("utf-8-sig") == "요약\r\n고친 회의록\r\n"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_endpoint_reads_plainly_and_keeps_the_table():
    at = connect(on_summary(), f"http://127.0.0.1:{closed_port()}/v1")
    at.number_input(key="w.max_retries").set_value(0).run()
    at.button(key="b.summary_write").click().run()
    assert not at.exception
    assert any("서버에 연결할 수 없습니다" in e for e in texts(at.error))
    assert at.session_state["table"].df[TEXT].tolist() == UTTERANCES[TEXT].tolist()
    assert at.session_state["summary"] == ""


def test_a_refused_key_reads_plainly_in_english():
    with FakeOpenAI(require_key="sk-right") as srv:
        at = connect(on_summary(locale="en-US"), srv.base_url, key="sk-wrong")
        at.button(key="b.summary_write").click().run()
        assert not at.exception
        assert any("The API key was refused" in e for e in texts(at.error))


def test_with_no_key_and_no_server_the_offline_engine_writes_and_says_so(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert "offline" in ENGINES
    at = on_summary()
    assert any("API 키가 없습니다" in c for c in texts(at.sidebar.caption))
    assert any("오프라인 엔진으로 실행합니다" in i for i in texts(at.info))  # the banner: not GPT, and why
    at.button(key="b.summary_write").click().run()
    no_crash(at)
    assert not at.error and at.session_state["summary"].strip()
