"""Minutes in real Chromium: the page shows how far the map step is while requests are answered (the minutes are
written in the background: a page switch does not stop them), the minutes appear, and a section's sources show the
utterances from the table."""

import re

import pandas as pd
import pytest

from tests.browser_support import ROOT, browser_expect, korean_page, settled, streamlit_app
from testserver.minutes import minutes_responder
from testserver.server import FakeOpenAI

pytestmark = pytest.mark.browser
SAMPLE = ROOT / "sample_data" / "utterances_ko_cp949.csv"

expect = browser_expect()


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI(responder=minutes_responder, latency=0.8, chunk_chars=8) as srv:
        yield srv


@pytest.fixture(scope="module")
def app_url(server):
    with streamlit_app({"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-browser-test"}) as url:
        yield url


@pytest.fixture
def page(app_url):
    with korean_page(app_url) as page:
        yield page


def type_number(page, where, label: str, value: int) -> None:
    """Type into a number box and commit it."""
    box = where.get_by_role("spinbutton", name=label)
    box.fill(str(value))
    box.press("Enter")
    settled(page)


def test_the_map_step_shows_progress_then_the_minutes_and_their_sources(page, server):
    table = pd.read_csv(SAMPLE, encoding="cp949", dtype=str, keep_default_na=False)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(SAMPLE)
    expect(page.get_by_test_id("stMetricValue").filter(has_text=re.compile(r"^cp949$", re.I))).to_have_count(1)
    page.get_by_test_id("stSidebar").get_by_role("link", name="회의록 요약").click()
    expect(page.get_by_role("heading", name="회의록 요약")).to_be_visible()
    settled(page)
    type_number(page, page.get_by_test_id("stSidebar"), "동시 요청", 1)  # one chunk at a time: the map takes a while
    type_number(page, page, "조각 크기 (토큰)", 200)
    plan = page.get_by_text(re.compile(r"^\d+개 조각으로 나눠 요약한 뒤 합칩니다"))
    expect(plan).to_be_visible()
    chunks = int(re.match(r"\d+", plan.inner_text()).group())
    assert chunks >= 3

    server.reset()
    page.get_by_role("button", name="회의록 쓰기").click()
    expect(page.get_by_text(re.compile(rf"^부분 요약 [1-{min(chunks - 1, 9)}]/{chunks}$"))).to_be_visible()
    expect(page.get_by_role("button", name="멈추기")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_role("link", name="파일 올리기").click()
    expect(page.get_by_role("heading", name="파일 올리기")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_role("link", name="회의록 요약").click()
    progress = page.get_by_text(re.compile(rf"^(부분 요약 [1-9]\d*/{chunks}|회의록을 쓰는 중…)$"))
    done = page.get_by_text(re.compile(rf"^녹취록의 발화 {len(table)}개를 모두 읽고 썼습니다"))
    expect(progress.or_(done)).to_be_visible()  # still going after the switch, or already folded in
    expect(page.get_by_text(re.compile(rf"^녹취록의 발화 {len(table)}개를 모두 읽고 썼습니다"))).to_be_visible(
        timeout=60_000
    )
    settled(page)
    assert len(server.chat_requests()) == chunks + 1

    sources = page.get_by_role("tab", name="근거 발화")
    sources.click()
    section = page.get_by_test_id("stExpander").filter(has_text="결정 사항 — 항목")
    section.locator("summary").click()
    grid = section.get_by_test_id("stDataFrame")
    expect(grid.get_by_role("gridcell", include_hidden=True).filter(has_text=table["발화"][0])).to_have_count(1)
