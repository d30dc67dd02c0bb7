"""The whole story in real Chromium: upload a CP949 CSV, change the system prompt, run 대본 정리,
fix one answer by hand, download the CSV, and check the file and what the server received."""

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.browser_support import (
    ROOT,
    browser_expect,
    cell_editor,
    grid_cell,
    grid_column,
    korean_page,
    settled,
    streamlit_app,
    tick_row,
)
from testserver.server import FakeOpenAI

pytestmark = pytest.mark.browser
SAMPLE = ROOT / "sample_data" / "utterances_ko_cp949.csv"
PROMPT = "브라우저에서 고친 시스템 프롬프트: 군말만 지우고 그대로 두세요."
EDIT = "손으로 고친 답입니다."
OUT = "정리된 발화"

expect = browser_expect(20_000)  # two cores shared by Chromium, Streamlit and the test server


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as srv:
        yield srv


@pytest.fixture(scope="module")
def app_url(server):
    with streamlit_app(
        {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-browser-test"}
    ) as url:  # its own store
        yield url


@pytest.fixture
def page(app_url):
    with korean_page(app_url) as page:
        yield page


def upload_sample(page) -> pd.DataFrame:
    """Drop the CP949 sample on the uploader and wait until the page shows it was read."""
    expected = pd.read_csv(SAMPLE, encoding="cp949", dtype=str, keep_default_na=False)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(SAMPLE)
    expect(page.get_by_test_id("stMetricValue").filter(has_text=re.compile(r"^cp949$", re.I))).to_have_count(1)
    expect(page.get_by_test_id("stMetricValue").filter(has_text=re.compile(rf"^{len(expected)}$"))).to_have_count(1)
    return expected


def edit_output_cell(page, row: int, text: str) -> None:
    """Open the editor on the answer cell of `row` (0-based) with the keyboard, type, commit."""
    editor = cell_editor(page, row, OUT)
    editor.fill(text)
    editor.press("Enter")


def test_cp949_upload_prompt_run_edit_download(page, server):
    texts = upload_sample(page)["발화"].tolist()
    model = page.get_by_test_id("stSidebar").get_by_role("textbox", name="모델 이름")
    model.fill("gpt-4.1-mini")
    model.press("Enter")
    settled(page)

    page.get_by_test_id("stSidebar").get_by_role("link", name="행별 처리").click()
    expect(page.get_by_role("heading", name="행별 처리")).to_be_visible()
    prompt = page.get_by_test_id("stSidebar").locator("textarea")
    prompt.fill(PROMPT)
    prompt.press("Control+Enter")
    expect(page.get_by_test_id("stSidebar").get_by_text("✏️ 수정됨", exact=True)).to_be_visible()
    settled(page)

    server.reset()
    page.get_by_role("button", name=f"전체 {len(texts)}행 실행").click()
    expect(page.get_by_text(f"{len(texts)}행 처리를 마쳤습니다. 검토 필요: 0행.", exact=True)).to_be_visible()
    settled(page)

    edit_output_cell(page, 1, EDIT)
    expect(page.get_by_text(re.compile(r"손으로 고친 셀: 1개"))).to_be_visible()
    settled(page)

    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="CSV").get_by_role("button").click()
    data = Path(download.value.path()).read_bytes()

    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to show Korean"
    got = pd.read_csv(io.BytesIO(data), encoding="utf-8", dtype=str, keep_default_na=False)
    assert got["발화"].tolist() == texts
    want = [f"ECHO: <data>{t}</data>" for t in texts]
    want[1] = EDIT
    assert got[OUT].tolist() == want, "every row holds its own answer, and the hand edit is in the file"
    assert set(got["status"]) == {"ok"}

    bodies = server.chat_requests()
    assert len(bodies) == len(texts)
    assert [b["messages"][0] for b in bodies] == [{"role": "system", "content": PROMPT}] * len(texts)
    assert {b["model"] for b in bodies} == {"gpt-4.1-mini"}, "the model typed on another page is kept"
    assert sorted(b["messages"][-1]["content"] for b in bodies) == sorted(f"<data>{t}</data>" for t in texts)
    assert {r.auth_key for r in server.requests} == {"sk-browser-test"}


def run_all_rows(page, system_prompt: str) -> list[str]:
    """Upload the sample, run every row on the Rows page under its own system prompt (the app's store is shared by
    this module's tests: another prompt would get their answers back from it); the rows' texts."""
    texts = upload_sample(page)["발화"].tolist()
    page.get_by_test_id("stSidebar").get_by_role("link", name="행별 처리").click()
    expect(page.get_by_role("heading", name="행별 처리")).to_be_visible()
    settled(page)
    prompt = page.get_by_test_id("stSidebar").locator("textarea")
    prompt.fill(system_prompt)
    prompt.press("Control+Enter")
    expect(page.get_by_test_id("stSidebar").get_by_text("✏️ 수정됨", exact=True)).to_be_visible()
    settled(page)
    page.get_by_role("button", name=f"전체 {len(texts)}행 실행").click()
    expect(page.get_by_text(f"{len(texts)}행 처리를 마쳤습니다. 검토 필요: 0행.", exact=True)).to_be_visible()
    settled(page)
    return texts


def test_edits_and_ticks_redraw_the_results_and_a_ticked_row_is_sent_again(page, server):
    texts = run_all_rows(page, "고치고 고르는 시험의 프롬프트")
    learn = page.get_by_text("내 수정에서 배우기", exact=True)  # off: no count, which only a full redraw would update
    expect(learn).to_be_visible()

    again = page.get_by_role("button", name="선택한 1행 다시 실행")
    tick_row(page, 2, again)  # first: editing an answer scrolls the grid away from the tick column
    settled(page)
    edit_output_cell(page, 0, EDIT)
    expect(page.get_by_text(re.compile(r"손으로 고친 셀: 1개"))).to_be_visible()
    settled(page)
    expect(learn).to_be_visible()
    expect(again).to_be_enabled()  # the tick outlived the edit's redraw

    server.reset()
    again.click()  # inside the results part: the whole page must follow the run it starts
    expect(page.get_by_text("1행 처리를 마쳤습니다. 검토 필요: 0행.", exact=True)).to_be_visible()
    (body,) = server.chat_requests()
    assert body["messages"][-1]["content"] == f"<data>{texts[2]}</data>"
    expect(page.get_by_text(re.compile(r"손으로 고친 셀: 1개"))).to_be_visible()  # the edit of row 1 is kept


def test_a_slow_browser_still_ticks_and_edits_the_row_meant(page, server):
    """On a busy machine the grid takes a click later than the keys that follow it arrive: with the page's CPU
    slowed 4x (where keys sent at once after the click were lost), a tick and an edit still land on their row."""
    run_all_rows(page, "느린 브라우저 시험의 프롬프트")
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})

    grid_cell(page, 4, "선택")
    page.keyboard.press(" ")  # once: no retry to hide a key that went astray
    expect(page.get_by_role("button", name="선택한 1행 다시 실행")).to_be_enabled()
    tick = page.get_by_test_id("stDataFrame").first.get_by_test_id("glide-cell-1-4")  # 선택 is the first column
    expect(tick).to_have_text("true")  # the grid's own copy of its values is redrawn after the app answers
    assert [r for r, v in grid_column(page, "선택").items() if v == "true"] == [4]
    settled(page)
    edit_output_cell(page, 1, EDIT)
    expect(page.get_by_text(re.compile(r"손으로 고친 셀: 1개"))).to_be_visible()
    answers = page.get_by_test_id("stDataFrame").first.locator('[data-testid^="glide-cell-"][data-testid$="-1"]')
    expect(answers.filter(has_text=re.compile(f"^{EDIT}$"))).to_have_count(1)  # row 2's answer, and only it
    assert grid_column(page, f"✏️ {OUT}")[1] == EDIT


def test_a_long_run_fills_in_live_and_stop_keeps_what_finished(page, server):
    expected = upload_sample(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="행별 처리").click()
    # the page switch must be done before the sidebar's rerun, or that rerun may draw the Upload page again
    expect(page.get_by_role("heading", name="행별 처리")).to_be_visible()
    settled(page)
    concurrency = page.get_by_test_id("stSidebar").get_by_role("spinbutton", name="동시 요청")
    concurrency.fill("1")
    concurrency.press("Enter")
    settled(page)
    server.latency = 1.5  # each row stays in flight long enough to watch the page change by itself
    n = len(expected)
    try:
        page.get_by_role("button", name=f"전체 {n}행 실행").click()
        progress = page.get_by_test_id("stProgress")
        expect(progress.filter(has_text=re.compile(rf"^1 / {n}행 완료$"))).to_be_visible()
        more = "|".join(str(k) for k in range(2, n))  # however late a busy machine redraws: on by itself, not done
        expect(progress.filter(has_text=re.compile(rf"^(?:{more}) / {n}행 완료$"))).to_be_visible()  # no click between
        page.get_by_role("button", name="중지").click()
    finally:
        server.latency = 0.0
    expect(page.get_by_text(re.compile(r"^중지했습니다\."))).to_be_visible()
    cells = page.get_by_test_id("stDataFrame").get_by_role("gridcell", include_hidden=True)
    for text in expected["발화"][:2]:
        expect(cells.filter(has_text=re.compile(f"^{re.escape(f'ECHO: <data>{text}</data>')}$"))).to_have_count(1)
    stopped = page.get_by_test_id("stMetric").filter(has_text="실패·중지").get_by_test_id("stMetricValue")
    assert int(stopped.inner_text()) >= 1
