"""The offline 대본 정리 filler list on the Rows page: used by the run, reset to the preset, shown only offline."""

import pytest

from core.offline.fillers import default_fillers
from tests.app_support import connect, loaded, no_crash, wait_for_run
from testserver.server import FakeOpenAI


@pytest.fixture()
def no_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def run_clean(at):
    at.button(key="b.run").click().run()
    wait_for_run(at)
    no_crash(at)
    return {r: res.output for r, res in at.session_state["row_run"].results.items()}


def test_an_edited_list_is_what_the_offline_run_removes(no_key):
    at = loaded()
    box = at.text_area(key="w.fillers")
    assert box.value.splitlines() == default_fillers().as_list()
    assert "그러니까" not in run_clean(at)[0]
    at.text_area(key="w.fillers").input("음\n어\n~막").run()
    assert at.session_state["fillers"] == "음\n어\n~막"
    first = run_clean(at)[0]
    assert first.startswith("그러니까") and "음" not in first.split()


def test_reset_brings_back_the_preset_list(no_key):
    at = loaded()
    at.text_area(key="w.fillers").input("음").run()
    assert not at.button(key="b.fillers_reset").disabled
    at.button(key="b.fillers_reset").click().run()
    assert at.session_state["fillers"] is None
    assert at.text_area(key="w.fillers").value.splitlines() == default_fillers().as_list()


def test_the_list_shows_only_for_clean_on_the_offline_engine(no_key):
    at = loaded()
    at.selectbox(key="w.task").set_value("summarize").run()
    assert not [a for a in at.text_area if a.key == "w.fillers"]
    at.selectbox(key="w.task").set_value("clean").run()
    assert [a for a in at.text_area if a.key == "w.fillers"]
    with FakeOpenAI() as srv:
        connect(at, srv.base_url)
        assert not [a for a in at.text_area if a.key == "w.fillers"]


def test_an_emptied_list_stays_empty_and_removes_nothing(no_key):
    at = loaded()
    at.text_area(key="w.fillers").input("").run()
    assert at.text_area(key="w.fillers").value == "" and at.session_state["fillers"] == ""
    assert [e.label for e in at.expander if "군말 목록" in e.label] == ["오프라인 대본 정리의 군말 목록 (0개)"]
    assert run_clean(at)[0].startswith("음 그러니까")
