"""The results editor as a window at real sizes: pages, search and status filters; edits and ticks made in a
window land on the right rows; a progress refresh folds in what changed and never rebuilds the whole table."""

import io
from unittest import mock

import pandas as pd
import pytest

from core.jobs.rows import RowJob
from tests.app_support import (
    SPEAKER,
    TEXT,
    connect,
    cp949_csv,
    downloads,
    edit_cell,
    loaded,
    no_crash,
    results,
    wait_for_run,
)
from ui.rows import runs, window

OUT = "정리된 발화"
N = 250
BUDGET_ROWS = (7, 57, 107, 157, 207)  # the rows that talk about the budget
BLANK_ROWS = (3, 130)  # empty utterances: skipped, never sent


def big_table() -> pd.DataFrame:
    said = [f"음 {i}번째 발화입니다" for i in range(N)]
    for i in BUDGET_ROWS:
        said[i] = f"저 근데 예산은 어떻게 되나요 ({i})"
    for i in BLANK_ROWS:
        said[i] = ""
    return pd.DataFrame({"번호": [str(i + 1) for i in range(N)], SPEAKER: ["김민수"] * N, TEXT: said})


@pytest.fixture
def ran(monkeypatch):
    """A session with 250 rows cleaned by the offline engine (no key), on the Rows page."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    at = loaded(cp949_csv(big_table()), name="큰.csv")
    at.button(key="b.run").click().run()
    wait_for_run(at)
    no_crash(at)
    return at


def shown_rows(at) -> list[int]:
    """Row numbers (from 1) of the rows the editor shows."""
    return at.data_editor[0].value.index.tolist()


def test_the_editor_shows_a_page_at_a_time_and_every_page_is_reachable(ran):
    assert shown_rows(ran) == list(range(1, window.PAGE_ROWS + 1))
    assert ran.number_input(key="w.rows_page").max == 3
    assert any("250행 중 1–100행" in c.value for c in ran.caption)
    ran.number_input(key="w.rows_page").set_value(3).run()
    assert shown_rows(ran) == list(range(201, N + 1))
    assert results(ran)[TEXT].tolist() == big_table()[TEXT][200:].tolist()


def test_search_and_status_filter_pick_the_rows_shown(ran):
    ran.number_input(key="w.rows_page").set_value(2).run()
    ran.text_input(key="w.rows_query").input("예산").run()
    assert shown_rows(ran) == [i + 1 for i in BUDGET_ROWS], "a new search starts at its first page"
    assert ran.session_state["rows_page"] == 1
    ran.text_input(key="w.rows_query").input("").run()
    ran.multiselect(key="w.rows_statuses").set_value(["skipped"]).run()
    assert shown_rows(ran) == [i + 1 for i in BLANK_ROWS]
    assert set(results(ran)["status"]) == {"skipped"}
    ran.text_input(key="w.rows_query").input("예산").run()
    assert shown_rows(ran) == [] and any("조건에 맞는 행이 없습니다" in c.value for c in ran.caption)
    no_crash(ran)


def test_edits_and_ticks_in_a_window_land_on_the_rows_shown(ran):
    ran.number_input(key="w.rows_page").set_value(2).run()
    edit_cell(ran, 5, OUT, "둘째 쪽에서 고친 답")  # position 5 of page 2: row 106, number 105 from 0
    assert ran.session_state["edits"] == {105: "둘째 쪽에서 고친 답"}
    ran.text_input(key="w.rows_query").input("예산").run()
    edit_cell(ran, 1, OUT, "예산 행을 고침")  # the second budget row: 57
    edit_cell(ran, 3, "_select", True)  # the fourth: 157
    assert ran.session_state["edits"] == {105: "둘째 쪽에서 고친 답", 57: "예산 행을 고침"}
    assert ran.session_state["selected"] == {157}
    assert results(ran)[OUT].tolist()[1] == "예산 행을 고침"
    ran.text_input(key="w.rows_query").input("").run()
    with downloads() as files:
        ran.run()
    no_crash(ran)
    got = pd.read_csv(io.BytesIO(files[f"큰_{OUT}.csv"][0]), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(got) == N
    assert got[OUT][105] == "둘째 쪽에서 고친 답" and got[OUT][57] == "예산 행을 고침"
    changed = [i for i in range(N) if got[OUT][i] in ("둘째 쪽에서 고친 답", "예산 행을 고침")]
    assert changed == [57, 105], "no other row took an edit"
    assert ran.button(key="b.rerun_selected").label == "선택한 1행 다시 실행"


def test_a_progress_refresh_folds_in_what_changed_and_never_builds_the_whole_table(server):
    server.latency = 0.05
    at = connect(loaded(cp949_csv(big_table().head(40)), name="표.csv"), server.base_url)
    at.number_input(key="w.concurrency").set_value(2).run()
    whole, windows, folded = [], [], []
    real_table, real_window, real_since = runs.results_table, window.window_frame, RowJob.since

    def count_table(*args, **kwargs):
        whole.append(len(args[0]))
        return real_table(*args, **kwargs)

    def count_window(df, rows, *args, **kwargs):
        windows.append(len(rows))
        return real_window(df, rows, *args, **kwargs)

    def count_since(self, seen):
        new, kinds = real_since(self, seen)
        folded.append((seen, len(new)))
        return new, kinds

    with (
        mock.patch.object(runs, "results_table", count_table),
        mock.patch("ui.rows.results.window_frame", count_window),
        mock.patch("ui.rows.editor.window_frame", count_window),
        mock.patch.object(RowJob, "since", count_since),
        mock.patch.object(RowJob, "snapshot", side_effect=AssertionError("a refresh copied every result")),
    ):
        at.button(key="b.run").click().run()
        job = at.session_state["row_job"]
        refreshes = 0
        while job.running and refreshes < 200:
            at.run()
            refreshes += 1
        assert refreshes >= 2, "the run should outlast a few refreshes"
    assert whole == [], "no refresh built the whole table"
    assert windows and max(windows) <= runs.LIVE_ROWS, "a refresh draws only the latest rows"
    assert sum(n for _, n in folded) <= 40, "each result is folded in once"
    assert all(a + n <= b for (a, n), (b, _) in zip(folded, folded[1:])), "each look starts where the last ended"
    with mock.patch.object(runs, "results_table", count_table):
        wait_for_run(at)
    no_crash(at)
    assert whole == [], "the finished page builds only its window (downloads are built on click)"
    statuses = results(at)["status"].tolist()
    assert statuses == ["ok"] * 3 + ["skipped"] + ["ok"] * 36
