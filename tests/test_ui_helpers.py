"""The page helpers that are plain functions: folding editor changes, the results table, label counts, .txt."""

import pandas as pd

from core.rows.results import RowResult
from ui.minutes.held import plain_text
from ui.rows.table import SELECT, fingerprint, fold, label_counts, results_table, with_select

DF = pd.DataFrame({"화자": ["가", "나", "다"], "발화": ["하나", "둘", "셋"]})


def test_fold_keeps_output_edits_and_ticks_and_ignores_other_columns():
    edits, ticks = {0: "old"}, {2}
    fold(
        {"edited_rows": {"1": {"답": "고침", "화자": "무시"}, 2: {SELECT: False}, 0: {SELECT: True, "답": None}}},
        "답",
        edits,
        ticks,
    )
    assert edits == {0: "", 1: "고침"} and ticks == {0}
    fold(None, "답", edits, ticks)
    assert edits == {0: "", 1: "고침"}


def test_results_table_puts_hand_edits_over_answers_and_reasons_over_errors():
    results = [RowResult(0, "답0", "ok"), RowResult(1, "", "failed", "raw error"), RowResult(2, "답2", "ok")]
    out = results_table(DF, results, "답", {2: "손으로", 7: "범위 밖"}, {1: "읽기 쉬운 이유"})
    assert out.columns.tolist() == ["화자", "발화", "답", "status", "error"]
    assert out["답"].tolist() == ["답0", "", "손으로"]
    assert out["error"].tolist() == ["", "읽기 쉬운 이유", ""]


def test_the_editor_view_has_ticks_first_and_rows_numbered_from_one():
    view = with_select(DF, {1})
    assert view.columns[0] == SELECT and view[SELECT].tolist() == [False, True, False]
    assert view.index.tolist() == [1, 2, 3]


def test_label_counts_follow_the_list_and_gather_the_rest():
    counts = label_counts(["기쁨", "중립", "기쁨", "", None, "모름", " 중립 "], ["기쁨", "슬픔", "중립"], "(기타)")
    assert counts.to_dict() == {"기쁨": 2, "슬픔": 0, "중립": 2, "(기타)": 1}


def test_fingerprint_changes_with_any_cell():
    other = DF.copy()
    other.loc[2, "발화"] = "넷"
    assert fingerprint(DF) == fingerprint(DF.copy()) != fingerprint(other)


def test_plain_text_drops_markdown_marks_and_uses_windows_line_ends():
    assert plain_text("## 요약\n**중요**한 __결정__\n- 할 일 ") == "요약\r\n중요한 결정\r\n- 할 일\r\n"
