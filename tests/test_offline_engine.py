"""The offline engine behind the Engine interface, chosen automatically with no key; CLI end to end."""
import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.engines import OFFLINE_NOTICE, choose_engine, make_engine
from core.errors import ConfigError
from core.plan import row_plan
from core.runner import run_rows_sync, table_rows
from core.settings import ModelSettings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def no_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def test_no_key_no_endpoint_chooses_offline_with_a_notice(no_key):
    assert choose_engine(ModelSettings()) == ("offline", OFFLINE_NOTICE)
    assert choose_engine(ModelSettings(api_key="k")) == ("openai", None)
    assert choose_engine(ModelSettings(base_url="http://localhost:11434/v1")) == ("openai", None)
    assert choose_engine(ModelSettings(), "offline") == ("offline", None)
    with pytest.raises(ConfigError):
        choose_engine(ModelSettings(), "magic")


@pytest.mark.parametrize("task", [None, "emotion", "translate", "actions"])
def test_tasks_that_need_a_model_say_so(task):
    with pytest.raises(ConfigError) as err:
        make_engine(ModelSettings(), "offline", task=task)
    assert err.value.code == "config.needs_model" and "language model" in err.value.message


def test_rows_run_through_the_same_runner_packed_or_not():
    df = pd.DataFrame({"발화": ["음 그러니까 네 좋아요", "어 제가 제가 할게요", ""]})
    plan = row_plan(task="clean", text_column="발화")
    for pack in (1, 2):
        results = run_rows_sync(table_rows(df, "발화"), plan.spec, make_engine(ModelSettings(), "offline", "clean"),
                                pack=pack)
        assert [r.output for r in results] == ["네 좋아요", "제가 할게요", ""]
        assert [r.status for r in results] == ["ok", "ok", "skipped"]


def test_stream_yields_the_minutes():
    engine = make_engine(ModelSettings(), "offline", "minutes")

    async def go():
        messages = [{"role": "user", "content": "<data>\n#1 김: 결제 기능은 다음 달에 배포합니다.\n</data>"}]
        return "".join([d async for d in engine.stream(messages)])
    assert "결제 기능은 다음 달에 배포합니다. [#1]" in asyncio.run(go())


def cli(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    return subprocess.run([sys.executable, "-m", "core", *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


def test_cli_clean_and_summarize_work_without_a_key(tmp_path):
    res = cli("run", "sample_data/utterances_ko_cp949.csv", "--task", "clean", "--out", tmp_path / "x.csv")
    assert res.returncode == 0 and OFFLINE_NOTICE in res.stderr
    df = pd.read_csv(io.BytesIO((tmp_path / "x.csv").read_bytes()), encoding="utf-8-sig", dtype=str,
                     keep_default_na=False)
    assert (df["status"] == "ok").all() and df["정리된 발화"][0] == "네, 고객님 안녕하세요. 무엇을 도와드릴까요?"
    res = cli("summarize", "sample_data/meeting_ko.txt")
    assert res.returncode == 0 and "## 요약" in res.stdout and "[#" in res.stdout


def test_cli_refuses_model_tasks_offline_with_exit_2(tmp_path):
    res = cli("run", "sample_data/utterances_ko.xlsx", "--task", "emotion", "--out", tmp_path / "x.csv")
    assert res.returncode == 2 and "needs a language model" in res.stderr and not (tmp_path / "x.csv").exists()
