"""Screenshots of the prompt workbench in Korean and English, taken from the real app in Debian's Chromium.

    python docs/make_workbench_screenshots.py    # writes docs/screenshots/{ko,en}_workbench.png

The flow a user follows: save the prompt, change one line in the sidebar, compare the change with the saved version
on the first 10 rows, pick the better answers. The local test server stands in for GPT (see make_screenshots.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

from make_screenshots import SAMPLE, answer, go, in_each_language, settle, shoot  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from testserver.faults import last_user_text  # noqa: E402

EXTRA = {"ko": "말투와 문장 부호는 고치지 마세요.", "en": "Do not touch the wording or the punctuation."}
UI = {
    "ko": (
        "작업대",
        "저장된 프롬프트",
        "프롬프트 이름",
        "기본 정리",
        "새 버전으로 저장",
        "시험 · 비교",
        "A(사이드바)와 B 비교",
    ),
    "en": (
        "Workbench",
        "Saved prompts",
        "Prompt name",
        "default clean-up",
        "Save as new version",
        "Try & compare",
        "Compare A (sidebar) and B",
    ),
}


def answer_by_prompt(body: dict) -> str:
    """The edited prompt ("do not touch the wording") keeps the fillers; the saved one tidies them away."""
    system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
    if any(extra in system for extra in EXTRA.values()):
        return re.sub(r"</?data>", "", last_user_text(body)).strip()
    return answer(body)


def workbench(page, lang: str) -> None:
    nav, tab_saved, name_box, name, save, tab_try, compare = UI[lang]
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(SAMPLE)
    settle(page)
    go(page, nav)
    page.get_by_role("tab", name=tab_saved).click()
    box = page.get_by_role("textbox", name=name_box)
    box.fill(name)
    box.press("Enter")
    settle(page)
    page.get_by_role("button", name=save).click()
    settle(page)
    prompt = page.get_by_test_id("stSidebar").locator("textarea")
    prompt.fill(prompt.input_value() + "\n" + EXTRA[lang])
    prompt.press("Control+Enter")
    settle(page)
    page.get_by_role("tab", name=tab_try).click()
    page.get_by_role("button", name=compare).click()
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=30_000)
    expect(page.locator(".wb-diff del").first).to_be_visible()
    settle(page)
    for row, pick in ((0, "B"), (1, "B"), (2, "A")):
        group = page.locator(f".st-key-w-wb-pick-{row}")
        if group.count():
            group.get_by_role("radio", name=pick).click()
            settle(page)
    shoot(page, f"{lang}_workbench.png")


def main() -> None:
    in_each_language(answer_by_prompt, workbench)


if __name__ == "__main__":
    main()
