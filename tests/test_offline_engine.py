"""The offline engine behind the Engine interface, chosen automatically with no key; the CLI end to end."""

import asyncio
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from core.engines.factory import OFFLINE_NOTICE, choose_engine, make_engine
from core.errors import ConfigError
from core.minutes.transcript import stream_extract
from core.offline.engine import OfflineEngine
from core.rows.packing import pack_messages, response_format
from core.rows.plan import row_plan
from core.rows.runner import run_rows_sync, table_rows
from core.rows.tasks import get_task
from core.settings import ModelSettings
from tests.cli_support import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"


@pytest.fixture()
def no_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.mark.parametrize(
    "settings, requested, expected",
    [
        (ModelSettings(), None, ("offline", OFFLINE_NOTICE)),
        (ModelSettings(), "auto", ("offline", OFFLINE_NOTICE)),
        (ModelSettings(api_key="sk-test"), None, ("openai", None)),
        (ModelSettings(base_url="http://localhost:11434/v1"), None, ("openai", None)),
        (ModelSettings(), "offline", ("offline", None)),
        (ModelSettings(api_key="sk-test"), "offline", ("offline", None)),
        (ModelSettings(), "openai", ("openai", None)),
    ],
)
def test_the_engine_is_chosen_offline_only_without_key_and_endpoint(no_key, settings, requested, expected):
    assert choose_engine(settings, requested) == expected


def test_a_key_in_the_environment_counts(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert choose_engine(ModelSettings()) == ("openai", None)


def test_the_notice_is_one_line_and_says_what_to_do():
    assert "\n" not in OFFLINE_NOTICE and "offline" in OFFLINE_NOTICE and "OPENAI_API_KEY" in OFFLINE_NOTICE


def test_an_unknown_engine_and_openai_without_a_key_are_refused(no_key):
    with pytest.raises(ConfigError) as err:
        choose_engine(ModelSettings(), "magic")
    assert err.value.code == "config.engine"
    with pytest.raises(ConfigError) as err:
        make_engine(ModelSettings(), "openai", task="clean")
    assert err.value.code == "config.no_key"


@pytest.mark.parametrize("task", [None, "emotion", "translate", "actions"])
def test_tasks_that_need_a_model_say_so_at_construction(task):
    with pytest.raises(ConfigError) as err:
        make_engine(ModelSettings(), "offline", task=task)
    assert err.value.code == "config.needs_model" and err.value.params["task"] == task
    assert "needs a language model" in err.value.message and "OPENAI_API_KEY" in err.value.message


def test_a_summary_length_below_one_is_refused():
    with pytest.raises(ConfigError):
        OfflineEngine("minutes", sentences=0)


def ask(engine, text, examples=()):
    messages = [{"role": "system", "content": "지시문"}]
    for user, answer in examples:
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return asyncio.run(engine.complete([*messages, {"role": "user", "content": f"<data>{text}</data>"}]))


def test_complete_answers_the_last_data_with_no_tokens_and_a_real_latency():
    done = ask(OfflineEngine("clean"), "어 제가 제가 할게요", examples=[("<data>음 예시</data>", "예시")])
    assert done.text == "제가 할게요" and done.finish_reason == "stop"
    assert (done.prompt_tokens, done.completion_tokens) == (0, 0) and done.latency > 0


def test_a_message_without_data_tags_is_taken_whole():
    done = asyncio.run(OfflineEngine("clean").complete([{"role": "user", "content": "음 좋아요"}]))
    assert done.text == "좋아요"


@pytest.mark.parametrize(
    "task, text, expected",
    [
        ("clean", "음, 그러니까 제가 요청 넣을게요.", "제가 요청 넣을게요."),
        (
            "summarize",
            "음 출시일은 일단 유지하고요. 결제는 2차 배포로 빼는 게 어떨까 싶어요. 네.",
            "결제는 2차 배포로 빼는 게 어떨까 싶어요.",
        ),
        ("summarize", "어 얼마나 늦어질 것 같아요?", "얼마나 늦어질 것 같아요?"),
        ("summarize", "음…", ""),
        ("keywords", "외부 결제 모듈 문서가 바뀌어서 결제 화면이 늦어져요", "결제, 외부, 모듈, 문서, 화면"),
    ],
)
def test_row_tasks(task, text, expected):
    assert ask(OfflineEngine(task), text).text == expected


def test_an_edited_filler_list_reaches_the_engine_through_make_engine():
    engine = make_engine(ModelSettings(), "offline", task="clean", fillers=["진짜", "~막"])
    assert ask(engine, "음 진짜 막, 좋아요").text == "음 좋아요"
    assert engine.params()["fillers"] != OfflineEngine("clean").params()["fillers"]
    assert OfflineEngine("clean").params() == OfflineEngine("clean").params()


def test_stream_yields_the_minutes_and_reports_usage():
    engine = make_engine(ModelSettings(), "offline", "minutes", sentences=1)
    transcript = "#1 김: 결제 기능은 다음 달에 배포합니다.\n#2 이: 음 네."
    usage = []

    text = "".join(stream_extract(transcript, get_task("minutes").build(), engine, [], on_usage=usage.append))
    assert "- 김: 결제 기능은 다음 달에 배포합니다. [#1]" in text
    assert usage and usage[0].text == text and usage[0].prompt_tokens == 0


def test_packed_requests_get_one_answer_per_item():
    template = get_task("clean").build()
    rows = [(0, {"text": "음 좋아요"}), (7, {"text": "어 제가 제가 할게요"})]
    done = asyncio.run(OfflineEngine("clean").complete(pack_messages(template, rows), response_format()))
    assert json.loads(done.text) == {"answers": [{"id": "0", "output": "좋아요"}, {"id": "7", "output": "제가 할게요"}]}


def test_other_structured_output_needs_a_model():
    schema = {"type": "json_schema", "json_schema": {"name": "minutes", "schema": {}}}
    with pytest.raises(ConfigError) as err:
        asyncio.run(OfflineEngine("minutes").complete([{"role": "user", "content": "<data>x</data>"}], schema))
    assert err.value.code == "config.needs_model"


@pytest.mark.parametrize("pack", [1, 3])
def test_rows_run_through_the_same_runner_packed_or_not(pack):
    df = pd.DataFrame({"발화": ["음 그러니까 네 좋아요", "어 제가 제가 할게요", "", "So, um, we ship."]})
    plan = row_plan(task="clean", text_column="발화")
    results = run_rows_sync(table_rows(df, "발화"), plan, make_engine(ModelSettings(), "offline", "clean"), pack=pack)
    assert [r.output for r in results] == ["네 좋아요", "제가 할게요", "", "We ship."]
    assert [r.status for r in results] == ["ok", "ok", "skipped", "ok"]


def read_csv(path):
    return pd.read_csv(io.BytesIO(path.read_bytes()), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_cli_run_clean_works_without_a_key(tmp_path):
    res = cli("run", SAMPLES / "utterances_ko_cp949.csv", "--task", "clean", "--out", tmp_path / "x.csv")
    assert res.returncode == 0, res.stderr
    assert res.stderr.splitlines()[0] == OFFLINE_NOTICE
    df = read_csv(tmp_path / "x.csv")
    assert (df["status"] == "ok").all() and len(df) == 50
    assert df["정리된 발화"][0] == "네, 고객님 안녕하세요. 무엇을 도와드릴까요?"
    assert df["정리된 발화"][1] == "네 저 그 어제 주문한 게 아직 안 와서요."


@pytest.mark.parametrize("sample, heading", [("meeting_ko.txt", "## 요약"), ("meeting_en.txt", "## Summary")])
def test_cli_summarize_works_without_a_key(sample, heading):
    res = cli("summarize", SAMPLES / sample)
    assert res.returncode == 0, res.stderr
    assert OFFLINE_NOTICE in res.stderr
    assert res.stdout.startswith(heading) and "[#" in res.stdout


def test_cli_refuses_model_tasks_offline_with_exit_2(tmp_path):
    res = cli("run", SAMPLES / "utterances_ko.xlsx", "--task", "emotion", "--out", tmp_path / "x.csv")
    assert res.returncode == 2 and "needs a language model" in res.stderr and not (tmp_path / "x.csv").exists()


def test_cli_asked_for_openai_without_a_key_fails_clearly(tmp_path):
    res = cli("run", SAMPLES / "meeting_en.txt", "--task", "clean", "--engine", "openai", "--out", tmp_path / "x.csv")
    assert res.returncode == 2 and "No API key" in res.stderr and OFFLINE_NOTICE not in res.stderr


def test_cli_fillers_replace_the_list_and_answers_are_not_reused_across_lists(tmp_path):
    store, src = tmp_path / "runs.sqlite3", SAMPLES / "utterances_ko_cp949.csv"
    custom = cli("run", src, "--task", "clean", "--fillers", "저,그,네", "--store", store, "--out", tmp_path / "a.csv")
    default = cli("run", src, "--task", "clean", "--store", store, "--out", tmp_path / "b.csv")
    assert custom.returncode == default.returncode == 0
    mine, preset = read_csv(tmp_path / "a.csv")["정리된 발화"], read_csv(tmp_path / "b.csv")["정리된 발화"]
    assert mine[1] == "아 어제 주문한 게 아직 안 와서요." and mine[0].startswith("고객님 안녕하세요. 음 ")
    assert preset[1] == "네 저 그 어제 주문한 게 아직 안 와서요."
