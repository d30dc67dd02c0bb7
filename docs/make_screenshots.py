"""Screenshots of every page in Korean and English, taken from the real app in Debian's Chromium.

    python docs/make_screenshots.py    # writes docs/screenshots/{ko,en}_{upload,rows,emotion,summary,history}.png

The app talks to the local test server (testserver/server.py), whose answers below are simple rules
standing in for GPT so the pictures show filled-in results; nothing is sent anywhere else.
Korean text needs a CJK font in the system (Debian: apt-get install fonts-noto-cjk fonts-noto-color-emoji).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser_support import chromium_path, launch, streamlit_app  # noqa: E402
from testserver.faults import last_user_text  # noqa: E402
from testserver.minutes import minutes_responder  # noqa: E402
from testserver.server import FakeOpenAI  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SAMPLE = ROOT / "sample_data" / "utterances_ko_cp949.csv"
FILLERS = re.compile(r"(?<!\S)(음|어|아|그|저|막|뭐랄까|그러니까|이제)(?!\S)\s*")
NAV = {
    "ko": ("파일 올리기", "행별 처리", "회의록 요약", "실행 기록"),
    "en": ("Upload", "Row tasks", "Minutes", "History"),
}
WIDTH, HEIGHT = 1400, 900
EMOTIONS = (("감사", "기쁨"), ("좋", "기쁨"), ("걱정", "불안"), ("늦", "불안"), ("왜", "분노"))


def answer(body: dict) -> str:
    """Stand-in answers by task, recognised from the system prompt."""
    system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
    text = re.sub(r"</?data>", "", last_user_text(body)).strip()
    if "action_items" in system:  # a step of the map-reduce minutes: schema-valid JSON citing the rows it saw
        return minutes_responder(body)
    if "감정" in system:
        return next((label for word, label in EMOTIONS if word in text), "중립")
    cleaned = re.sub(r"\b(\w+) \1\b", r"\1", FILLERS.sub("", text)).strip()
    return cleaned if cleaned.endswith((".", "?", "!")) else cleaned + "."


def settle(page) -> None:
    page.wait_for_timeout(400)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)


def go(page, name: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=name).click()
    settle(page)


def shoot(page, name: str) -> None:
    settle(page)
    page.wait_for_timeout(600)  # charts and the grid draw after the rerun ends
    # The page scrolls inside Streamlit's main container, so grow the window to the content instead.
    height = page.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, int(height) + 120)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(OUT / name))
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    print("wrote", (OUT / name).relative_to(ROOT))


def pages(page, lang: str, sample: Path) -> None:
    _upload, rows, summary, history = NAV[lang]
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(sample)
    shoot(page, f"{lang}_upload.png")
    go(page, rows)
    page.get_by_role("button", name=re.compile(r"(실행|Run all)")).first.click()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1, timeout=30_000)
    shoot(page, f"{lang}_rows.png")
    page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=re.compile("감정 분류|Emotion label")).click()
    settle(page)
    page.get_by_role("button", name=re.compile(r"(실행|Run all)")).first.click()
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1, timeout=30_000)
    shoot(page, f"{lang}_emotion.png")
    go(page, summary)
    page.get_by_role("button", name=re.compile("회의록 쓰기|Write the minutes")).click()
    expect(page.get_by_test_id("stDownloadButton").first).to_be_visible(timeout=30_000)
    shoot(page, f"{lang}_summary.png")
    go(page, history)
    shoot(page, f"{lang}_history.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="file to upload (default: %(default)s)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    in_each_language(answer, lambda page, lang: pages(page, lang, args.sample))


def in_each_language(responder, scenes) -> None:
    """The app against a local server answering with `responder`; `scenes(page, lang)` in Korean, then in English."""
    if chromium_path() is None:
        sys.exit("Chromium not found: apt-get install chromium")
    with (
        FakeOpenAI(responder=responder, latency=0.05) as srv,
        streamlit_app({"OPENAI_BASE_URL": srv.base_url, "OPENAI_API_KEY": "sk-screenshots"}) as url,
        sync_playwright() as p,
    ):
        browser = launch(p)
        for lang, locale in (("ko", "ko-KR"), ("en", "en-US")):
            context = browser.new_context(locale=locale, viewport={"width": WIDTH, "height": HEIGHT})
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(url)
            settle(page)
            scenes(page, lang)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
