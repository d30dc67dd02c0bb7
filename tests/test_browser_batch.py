"""Batch mode in real Chromium: submit on the Rows page, close the browser, follow the batch on History in a new
session while it refreshes by itself, then download the collected results."""

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.browser_support import ROOT, browser_expect, korean_page, settled, streamlit_app
from testserver.server import FakeOpenAI

pytestmark = pytest.mark.browser
SAMPLE = ROOT / "sample_data" / "utterances_ko_cp949.csv"
OUT = "정리된 발화"

expect = browser_expect(30_000)  # two cores shared by Chromium, Streamlit and the test server


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as srv:
        yield srv


@pytest.fixture(scope="module")
def app_url(server):
    env = {
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": "sk-browser-batch",
        "TRANSCRIPT_STUDIO_BATCH_POLL": "0.5",
    }
    with streamlit_app(env) as url:
        yield url


def test_submit_close_the_browser_follow_on_history_collect_download(app_url, server):
    expected = pd.read_csv(SAMPLE, encoding="cp949", dtype=str, keep_default_na=False)
    n = len(expected)
    server.batches.auto = False  # the batch waits until the test lets the service's clock run
    with korean_page(app_url) as page:
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(SAMPLE)
        expect(page.get_by_test_id("stMetricValue").filter(has_text=re.compile(rf"^{n}$"))).to_have_count(1)
        page.get_by_test_id("stSidebar").get_by_role("link", name="행별 처리").click()
        page.get_by_text("배치 (약 절반 가격, 24시간 안에 결과)", exact=True).click()
        settled(page)
        expect(page.get_by_text(re.compile(r"^배치 가격으로: 요청 \d+건"))).to_be_visible()
        expect(page.get_by_role("button", name=f"전체 {n}행 실행")).to_have_count(0)
        page.get_by_role("button", name=f"{n}행을 배치로 제출").click()
        expect(page.get_by_text(re.compile(r"^실행 #\d+\(으\)로 제출했습니다 \(배치 1개\)"))).to_be_visible()
    assert len(server.batches.submitted) == n and server.chat_requests() == []

    with korean_page(app_url) as page:  # a new browser session: the batch lives in the store and on the service
        page.get_by_test_id("stSidebar").get_by_role("link", name="실행 기록").click()
        expect(page.get_by_text(re.compile(r"^실행 #\d+의 배치$"))).to_be_visible()
        expect(page.get_by_text(re.compile(r"^이 페이지가 열려 있는 동안 0.5초마다"))).to_be_visible()
        polls = server.batches.retrieves
        assert server.batches.wait_for(lambda b: b.retrieves >= polls + 2, timeout=120), "History never asked again"
        server.batches.auto = True
        expect(page.get_by_text(re.compile(r"^모든 배치의 답을 모았습니다"))).to_be_visible()
        settled(page)
        assert server.batches.files == {}, "uploaded and result files are deleted once collected"
        with page.expect_download() as download:
            page.get_by_test_id("stDownloadButton").filter(has_text="CSV").get_by_role("button").click()
        data = Path(download.value.path()).read_bytes()
        got = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert got["발화"].tolist() == expected["발화"].tolist()
        assert got[OUT].tolist() == [f"ECHO: <data>{t}</data>" for t in expected["발화"]]
        assert set(got["status"]) == {"ok"}

        page.get_by_role("button", name="행별 처리에서 다시 열기").click()
        expect(page.get_by_role("heading", name="행별 처리")).to_be_visible()
        cells = page.get_by_test_id("stDataFrame").get_by_role("gridcell", include_hidden=True)
        first = f"ECHO: <data>{expected['발화'][0]}</data>"
        expect(cells.filter(has_text=re.compile(f"^{re.escape(first)}$"))).to_have_count(1)
