"""The first run of a newcomer with no API key, in real Chromium: the offline banner, "try the sample", 대본 정리 and
an extractive summary with row numbers — all without a request leaving the machine."""

import re

import pytest

from tests.browser_support import browser_expect, korean_page, settled, streamlit_app

pytestmark = pytest.mark.browser
expect = browser_expect()


@pytest.fixture(scope="module")
def app_url():
    with streamlit_app({"OPENAI_API_KEY": None, "OPENAI_BASE_URL": None}) as url:
        yield url


def test_no_key_sample_clean_and_summary(app_url):
    with korean_page(app_url) as page:
        expect(page.get_by_text(re.compile("^API 키도 기본 URL도 없어 오프라인 엔진으로"))).to_be_visible()
        page.get_by_role("button", name="샘플로 해 보기").click()
        settled(page)
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
        page.get_by_test_id("stSidebar").get_by_role("link", name="행별 처리").click()
        settled(page)
        expect(page.get_by_text(re.compile("^오프라인 엔진: \\d+행을 이 컴퓨터에서 처리합니다"))).to_be_visible()
        page.get_by_role("button", name=re.compile(r"^전체 \d+행 실행$")).click()  # not the run mode's help icon
        settled(page)
        expect(page.get_by_text(re.compile(r"^\d+행 처리를 마쳤습니다"))).to_be_visible(timeout=30_000)
        cells = page.get_by_test_id("stDataFrame").first.get_by_role("gridcell", include_hidden=True)
        said = "그럼 회의 시작할게요. 오늘은 앱 개편 일정이랑 고객 문의 건 두 가지 얘기하려고 합니다."  # 음, 어 gone
        expect(cells.filter(has_text=re.compile("^" + re.escape(said) + "$"))).to_have_count(1)
        page.get_by_test_id("stSidebar").get_by_role("link", name="회의록 요약").click()
        settled(page)
        page.get_by_role("button", name="발췌 요약 만들기").click()
        settled(page, timeout=30_000)
        expect(page.get_by_text(re.compile("^오프라인 엔진의 발췌 요약입니다")).first).to_be_visible()
        expect(page.get_by_test_id("stMarkdown").filter(has_text=re.compile(r"#\d+")).first).to_be_visible()
