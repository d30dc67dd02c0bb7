"""Batch mode in the app (AppTest): submit on the Rows page, follow and collect on History, reopen the results."""

from __future__ import annotations

import pytest

from core.batch.ledger import Ledger
from core.store import Store, default_store_path
from tests.app_support import UTTERANCES, connect, echo, loaded, no_crash, results, texts

pytestmark = pytest.mark.timeout(120)
OUT = "정리된 발화"


def submitted(server):
    at = connect(loaded(), server.base_url)
    at.radio(key="w.run_mode").set_value("batch").run()
    assert "b.run" not in [b.key for b in at.button]  # Run gives way to Submit
    at.button(key="b.batch_submit").click().run()
    no_crash(at)
    return at


def test_batch_mode_submits_every_row_once_and_says_where_to_follow_it(server):
    server.batches.auto = False
    at = submitted(server)
    assert any("실행 #" in s for s in texts(at.success))
    assert len(server.batches.batches) == 1 and len(server.batches.submitted) == len(UTTERANCES)
    assert [r.path for r in server.requests if r.path.startswith("/v1/chat")] == []  # nothing sent live
    assert any("배치" in c for c in texts(at.caption))  # the quote at batch prices


def test_history_follows_the_batch_collects_it_and_reopens_the_results(server):
    server.batches.auto = False
    at = submitted(server)
    at.switch_page("pages/history.py").run()
    no_crash(at)
    assert "검증 중" in at.dataframe[1].value.to_string()  # the batch's own table under the overview
    assert at.button(key="b.batch_cancel") is not None
    server.batches.auto = True
    for _ in range(6):  # each page run asks the service once; the service's clock moves one step each time
        at.run()
        if Ledger(Store(default_store_path())).is_done(at.session_state["history_run"]):
            break
    at.run()
    no_crash(at)
    assert any("모든 배치의 답을 모았습니다" in s for s in texts(at.success))
    assert server.batches.files == {}
    at.button(key="b.reopen").click().run()
    at.switch_page("pages/rows.py").run()
    got = results(at)
    assert got[OUT].tolist() == [echo(t) for t in UTTERANCES["발화"]]
    assert set(got["status"]) == {"ok"}


def test_batch_without_a_key_or_endpoint_says_so_and_submits_nothing(server, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    at = loaded()
    at.radio(key="w.run_mode").set_value("batch").run()
    at.button(key="b.batch_submit").click().run()
    no_crash(at)
    assert at.error and server.batches.batches == {}


def test_a_budget_in_the_sidebar_is_said_not_to_hold_a_batch(server):
    at = connect(loaded(), server.base_url)
    at.radio(key="w.run_mode").set_value("batch").run()
    assert not any("예산" in w for w in texts(at.warning))
    at.number_input(key="w.budget").set_value(0.5).run()
    no_crash(at)
    assert any("예산 $0.5" in w and "배치에는 걸리지 않습니다" in w for w in texts(at.warning)), texts(at.warning)
