"""ui.rows.window: search and status filters over the results, pages of them, and one page built alone."""

import pandas as pd

from core.rows.results import RowResult
from ui.rows.window import answers, matching, page_rows, pages, statuses, window_frame

DF = pd.DataFrame({"화자": ["김", "이", "박", "최", "정"], "발화": ["예산 얘기", "일정", "Budget plan", "예산", "끝"]})
RESULTS = {
    0: RowResult(0, "예산 이야기", "ok"),
    1: RowResult(1, "", "failed", "timeout"),
    2: RowResult(2, "budget", "review", "not a label"),
    4: RowResult(4, "끝.", "ok"),
}


def test_statuses_and_answers_with_hand_edits_winning():
    assert statuses(RESULTS, 5) == ["ok", "failed", "review", "", "ok"]
    assert answers(RESULTS, {1: "고침", 3: "새 답"}, 5) == ["예산 이야기", "고침", "budget", "새 답", "끝."]


def test_matching_by_status_search_or_both():
    shown, state = answers(RESULTS, {}, 5), statuses(RESULTS, 5)
    assert matching(DF, shown, state, "", ()) == [0, 1, 2, 3, 4]
    assert matching(DF, shown, state, "", {"ok"}) == [0, 4]
    assert matching(DF, shown, state, "", {"failed", ""}) == [1, 3]
    assert matching(DF, shown, state, "예산", ()) == [0, 3], "input cells are searched"
    assert matching(DF, shown, state, "  BUDGET ", ()) == [2], "any case, spaces around ignored"
    assert matching(DF, shown, state, "이야기", ()) == [0], "answers are searched"
    assert matching(DF, answers(RESULTS, {4: "예산 정리"}, 5), state, "예산", {"ok"}) == [0, 4], "edits count"
    assert matching(DF, shown, state, "(", ()) == [], "plain text, not a pattern"


def test_pages_are_clamped_and_cover_every_row():
    rows = list(range(0, 250, 1))
    assert pages(0) == 1 and pages(100) == 1 and pages(101) == 2 and pages(250, 100) == 3
    assert page_rows(rows, 1, 100) == list(range(100))
    assert page_rows(rows, 3, 100) == list(range(200, 250))
    assert page_rows(rows, 9, 100) == list(range(200, 250)), "past the end: the last page"
    assert page_rows(rows, 0, 100) == list(range(100))
    assert page_rows([], 1) == []


def test_a_window_holds_just_its_rows_numbered_from_one():
    got = window_frame(DF, [1, 3, 4], RESULTS, "정리", {4: "손으로"}, {1: "시간 초과"})
    assert got.index.tolist() == [2, 4, 5]
    assert got.columns.tolist() == ["화자", "발화", "정리", "status", "error"]
    assert got["정리"].tolist() == ["", "", "손으로"]
    assert got["status"].tolist() == ["failed", "", "ok"]
    assert got["error"].tolist() == ["시간 초과", "", ""]
    assert got["발화"].tolist() == ["일정", "예산", "끝"]
