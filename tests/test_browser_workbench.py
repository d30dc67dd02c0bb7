"""The workbench in real Chromium: save the prompt, edit it, try it on 10 rows, compare with the saved version,
pick the better answer, use that variant and run every row (the sample's answers come from the store)."""

import re

import pandas as pd
import pytest

from tests.browser_support import ROOT, browser_expect, korean_page, settled, streamlit_app
from testserver.server import FakeOpenAI

pytestmark = pytest.mark.browser
SAMPLE = ROOT / "sample_data" / "utterances_ko_cp949.csv"
EDITED = "새 지침: 존댓말로 다듬으세요."

expect = browser_expect(30_000)  # two cores shared by Chromium, Streamlit and the test server


def tagged(body):
    """The system prompt's first word | the row: the two variants answer differently."""
    first = body["messages"][0]
    tag = first["content"].split()[0] if first["role"] == "system" else "-"
    return f"{tag}|{body['messages'][-1]['content']}"


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI(responder=tagged) as srv:
        yield srv


@pytest.fixture(scope="module")
def app_url(server):
    with streamlit_app(
        {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-browser-test"}
    ) as url:  # its own store
        yield url


def test_edit_try_compare_pick_use_run_all(app_url, server):
    rows = len(pd.read_csv(SAMPLE, encoding="cp949", dtype=str))
    with korean_page(app_url) as page:
        sidebar = page.get_by_test_id("stSidebar")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(SAMPLE)
        expect(page.get_by_test_id("stMetricValue").filter(has_text=re.compile(rf"^{rows}$"))).to_have_count(1)
        sidebar.get_by_role("link", name="작업대").click()
        expect(page.get_by_role("heading", name="프롬프트 작업대")).to_be_visible()

        page.get_by_role("tab", name="저장된 프롬프트").click()
        name = page.get_by_role("textbox", name="프롬프트 이름")
        name.fill("기본 정리")
        name.press("Enter")
        settled(page)
        page.get_by_role("button", name="새 버전으로 저장").click()
        expect(sidebar.get_by_text("📌 기본 정리 v1 · 저장됨", exact=True)).to_be_visible()
        saved = sidebar.locator("textarea").input_value()

        prompt = sidebar.locator("textarea")
        prompt.fill(EDITED)
        prompt.press("Control+Enter")
        expect(sidebar.get_by_text("📌 기본 정리 v1 · ✏️ 저장하지 않은 변경", exact=True)).to_be_visible()
        settled(page)

        server.reset()
        page.get_by_role("tab", name="시험 · 비교").click()
        page.get_by_role("button", name="10행으로 시험").click()
        answers = page.get_by_role("gridcell", include_hidden=True).filter(has_text=re.compile(r"^새\|"))
        expect(answers.first).to_be_attached()  # the sample's answers, by the edited prompt
        settled(page)
        tried = server.chat_requests()
        assert len(tried) == 10 and {b["messages"][0]["content"] for b in tried} == {EDITED}

        page.get_by_role("button", name="A(사이드바)와 B 비교").click()
        changed = page.get_by_test_id("stMetric").filter(has_text="바뀜").get_by_test_id("stMetricValue")
        expect(changed).to_have_text("10")
        settled(page)
        compared = server.chat_requests()[10:]
        assert len(compared) == 10, "A's answers come from the store: only B is asked"
        assert {b["messages"][0]["content"] for b in compared} == {saved}
        expect(page.locator(".wb-diff del").first).to_be_visible()
        expect(page.locator(".wb-diff ins").first).to_be_visible()

        page.locator(".st-key-w-wb-pick-0").get_by_role("radio", name="B").click()  # row 1: B is better
        expect(page.get_by_text(re.compile(r"A 0 · B 1 · 고르지 않은 행 9"))).to_be_visible()
        settled(page)
        page.get_by_role("button", name="B를 사이드바에 적용").click()
        expect(sidebar.get_by_text("📌 기본 정리 v1 · 저장됨", exact=True)).to_be_visible()
        expect(prompt).to_have_value(saved)
        settled(page)

        server.reset()
        sidebar.get_by_role("link", name="행별 처리").click()
        page.get_by_role("button", name=f"전체 {rows}행 실행").click()
        expect(page.get_by_text(f"{rows}행 처리를 마쳤습니다.", exact=False)).to_be_visible()
        ran = server.chat_requests()
        assert len(ran) == rows - 10, "the 10 rows compared with this prompt are answered from the store"
        assert {b["messages"][0]["content"] for b in ran} == {saved}
