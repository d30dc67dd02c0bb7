"""Whose runs a session sees: everything on a one-person app, only its own on a shared server or when logged in."""

import pytest
from streamlit.testing.v1 import AppTest

from core.rows.plan import row_plan
from core.rows.service import RunSetup, execute_sync
from core.settings import ModelSettings
from core.store import Store, default_store_path
from tests.app_support import (
    APP,
    TEXT,
    UTTERANCES,
    connect,
    cp949_csv,
    downloads,
    no_crash,
    texts,
    upload,
    wait_for_run,
)
from tests.cli_support import cli

SESSION_ONLY = "🔒 이 브라우저 세션에서 한 실행만"
THIS_COMPUTER = "🖥️ 이 컴퓨터에서 한 실행을 모두"
ACCOUNT_ONLY = "👤 로그인한 계정으로 한 실행만"


@pytest.fixture
def shared(monkeypatch):
    monkeypatch.setenv("TRANSCRIPT_STUDIO_SHARED", "1")


def session(email: str | None = None) -> AppTest:
    """A new browser session, logged in as `email` when one is given."""
    at = AppTest.from_file(APP, default_timeout=60)
    if email:
        at.user = {"is_logged_in": True, "email": email}
    return at.run()


def ran(at: AppTest, server, file_name: str) -> AppTest:
    """This session uploads `file_name`, runs 대본 정리 over it and waits for the answers."""
    upload(at, file_name, cp949_csv())
    connect(at.switch_page("pages/rows.py").run(), server.base_url)
    at.button(key="b.run").click().run()
    return wait_for_run(at)


def history(at: AppTest) -> AppTest:
    """The same session on the History page."""
    return at.switch_page("pages/history.py").run()


def listed(at: AppTest) -> list[str]:
    """The file names the History page lists (none when it says there are no runs)."""
    return at.dataframe[0].value["파일"].tolist() if at.dataframe else []


def test_on_a_shared_server_each_session_sees_and_reopens_only_its_own_run(server, shared):
    anna, boris = ran(session(), server, "안나.csv"), ran(session(), server, "보리스.csv")
    anna_id, boris_id = anna.session_state["row_run"].run_id, boris.session_state["row_run"].run_id
    for at, mine in ((history(anna), "안나.csv"), (history(boris), "보리스.csv")):
        no_crash(at)
        assert listed(at) == [mine] and any(SESSION_ONLY in c for c in texts(at.caption))
        assert all(mine in choice for choice in at.selectbox(key="w.history_run").options)
    anna.session_state["history_run"] = boris_id  # asking for Boris's run by its number
    with downloads() as files:
        anna.run()
    assert anna.session_state["history_run"] == anna_id
    assert sorted(files) == [f"안나_정리된 발화_{anna_id}.csv", f"안나_정리된 발화_{anna_id}.xlsx"]
    anna.button(key="b.reopen").click().run()
    no_crash(anna)
    assert anna.session_state["upload"].name == "안나.csv" and anna.session_state["row_run"].run_id == anna_id
    assert Store(default_store_path()).runs() == []  # neither run is the local user's


def test_on_a_shared_server_a_run_cut_short_elsewhere_is_neither_offered_nor_listed(server, shared):
    job = RunSetup(
        UTTERANCES,
        "남의 회의.csv",
        row_plan(task="clean", text_column=TEXT),
        ModelSettings(base_url=server.base_url, api_key="sk-test-key"),
        engine="openai",
    )
    execute_sync(job, store=Store(default_store_path()), only=[0, 1])  # as the CLI leaves it: owned by "local"
    at = connect(session(), server.base_url).switch_page("pages/rows.py").run()
    no_crash(at)
    assert [b for b in at.button if b.key == "b.resume_offer"] == []
    assert not any("끊긴 실행이 있습니다" in m for m in texts(at.markdown))
    at = history(at)
    assert listed(at) == [] and any("아직 실행 기록이 없습니다" in i for i in texts(at.info))
    assert any(SESSION_ONLY in c for c in texts(at.caption))


def test_a_cli_run_shows_in_the_history_of_a_one_person_app(tmp_path):
    src = tmp_path / "어제.csv"
    UTTERANCES.to_csv(src, index=False)
    done = cli("run", src, "--task", "clean", "--engine", "offline", "--out", tmp_path / "out.csv")
    assert done.returncode == 0, done.stderr
    at = history(session())
    no_crash(at)
    assert listed(at) == ["어제.csv"] and any(THIS_COMPUTER in c for c in texts(at.caption))
    at.button(key="b.reopen").click().run()
    no_crash(at)
    assert at.session_state["upload"].name == "어제.csv" and len(at.session_state["row_run"].results) == 4


def test_a_logged_in_account_finds_its_runs_in_a_later_session_and_no_one_else_does(server, shared):
    ran(session("anna@example.com"), server, "안나.csv")
    later = history(session("anna@example.com"))
    assert listed(later) == ["안나.csv"] and any(ACCOUNT_ONLY in c for c in texts(later.caption))
    assert listed(history(session("boris@example.com"))) == [] and listed(history(session())) == []


def test_a_shared_secret_also_keeps_sessions_apart():
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["shared"] = True
    at.run()
    assert any(SESSION_ONLY in c for c in texts(history(at).caption))


def reopen_by_id(run_id: int) -> None:
    """An app script asking to reopen (then resume) run `run_id` directly, and showing what happened."""
    import streamlit as st

    from ui import state as S
    from ui.rows import reopen

    S.init("ko")
    st.write(f"reopened={reopen.reopen(run_id)} resumed={reopen.resume(run_id)} run={S.row_run() is not None}")


def test_a_run_of_another_owner_cannot_be_reopened_or_resumed_by_its_number(monkeypatch):
    job = RunSetup(UTTERANCES, "어제.csv", row_plan(task="clean", text_column=TEXT), ModelSettings(), engine="offline")
    run_id = execute_sync(job, store=Store(default_store_path()), only=[0]).run_id
    monkeypatch.setenv("TRANSCRIPT_STUDIO_SHARED", "1")
    at = AppTest.from_function(reopen_by_id, args=(run_id,), default_timeout=60).run()
    assert texts(at.markdown) == ["reopened=False resumed=False run=False"]
    monkeypatch.delenv("TRANSCRIPT_STUDIO_SHARED")
    at = AppTest.from_function(reopen_by_id, args=(run_id,), default_timeout=60).run()
    assert texts(at.markdown) == ["reopened=True resumed=True run=True"]
    assert at.session_state["row_job"].wait(30)  # the resume asks for the three rows left
