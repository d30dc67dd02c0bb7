"""Citations read back from minutes (the model's, the offline engine's, hand-edited), the utterances behind them,
and the summary page's plain helpers: missing rows as spans, action item edits."""

import pandas as pd

from core.minutes.citations import by_section, citations, sources
from core.minutes.document import ActionItem, Chapter, Minutes, Point, render
from core.offline.engine import minutes_markdown
from ui.minutes.view import apply_edits, spans

DF = pd.DataFrame(
    {
        "start": ["0", "65", "", "3600"],
        "화자": ["김민수", "이지은", "박서준", None],
        "발화": ["일정이 늦어집니다.", "월요일까지 보고서를 보내 주세요.", "예산은요?", "마칩니다."],
    }
)


def test_every_bullet_of_rendered_minutes_comes_back_with_its_section_and_rows():
    found = Minutes(
        summary=[Point(text="일정 [초안] 논의", rows=[1, 2])],
        decisions=[Point(text="미룬다", rows=[1])],
        action_items=[ActionItem(text="보고서", owner="이지은", due="월요일", rows=[2])],
        chapters=[Chapter(title="일정", row=1)],
    )
    markdown = render(found, {1: "00:00", 2: "01:05"}, ["> ⚠ #3–#3 구간은 빠져 있습니다 (오류)."])
    cited = citations(markdown)
    assert [(c.section, c.text, c.rows) for c in cited] == [
        ("요약", "일정 [초안] 논의", (1, 2)),
        ("결정 사항", "미룬다", (1,)),
        ("할 일", "보고서 (담당: 이지은, 기한: 월요일)", (2,)),
        ("흐름", "00:00 일정", (1,)),
    ]
    assert list(by_section(cited)) == ["요약", "결정 사항", "할 일", "흐름"]


def test_the_offline_summary_and_hand_edits_are_read_the_same_way():
    offline = minutes_markdown("#1 [00:00] 김민수: 일정이 늦어집니다.\n#2 [01:05] 이지은: 보고서를 보내 주세요.", 2)
    assert [c.rows for c in citations(offline)] == [(1,), (2,)] and {c.section for c in citations(offline)} == {"요약"}
    edited = (
        "# 제목\n## 메모\n* 새 항목 [#4, #2 01:05]\n- 근거 없는 줄\n- 본문의 #3은 인용이 아님\n  - 들여쓴 항목 [#1]"
    )
    assert [(c.section, c.text, c.rows) for c in citations(edited)] == [
        ("메모", "새 항목", (4, 2)),
        ("메모", "들여쓴 항목", (1,)),
    ]


def test_sources_take_time_speaker_and_text_from_the_table_and_skip_rows_it_lacks():
    frame = sources(DF, citations("## 요약\n- 가 [#2, #9]\n- 나 [#4 1:00:00, #3]"), "발화", "화자")
    assert frame[["item", "row"]].values.tolist() == [[1, 2], [2, 4], [2, 3]]
    assert frame["time"].tolist() == ["01:05", "1:00:00", ""] and frame["speaker"].tolist() == ["이지은", "", "박서준"]
    assert frame["text"].tolist() == ["월요일까지 보고서를 보내 주세요.", "마칩니다.", "예산은요?"]
    assert sources(DF, [], "발화").empty and sources(DF, [], "발화").columns.tolist()[-1] == "text"


def test_missing_rows_read_as_spans_of_neighbouring_utterances():
    rows = (1, 2, 3, 5, 6, 9, 10)  # rows 4, 7 and 8 were blank
    assert spans((2, 3, 5, 9), rows) == "#2–#5, #9"
    assert spans((1,), rows) == "#1" and spans((), rows) == ""


def test_editor_changes_are_applied_as_streamlit_applies_them():
    table = pd.DataFrame(
        {"text": ["가", "나", "다"], "owner": ["", "이지은", ""], "due": ["", "", "금요일"]}, dtype=str
    )
    state = {
        "edited_rows": {"0": {"owner": "김민수", "nope": "x"}, 2: {"due": None}},
        "added_rows": [{"text": "라", "_index": 7}],
        "deleted_rows": [1],
    }
    out = apply_edits(table, state)
    assert out.to_dict(orient="list") == {"text": ["가", "다", "라"], "owner": ["김민수", "", ""], "due": ["", "", ""]}
    assert table["owner"].tolist() == ["", "이지은", ""]  # the table it started from is left alone
    assert apply_edits(table, {}).equals(table)
