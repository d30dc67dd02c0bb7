"""Nothing lost: a flaky endpoint, a re-run that asks only for what is missing, a SIGKILL part-way."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.cli_support import cli
from testserver.server import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent


def rows_file(tmp_path, n):
    src = tmp_path / "rows.csv"
    src.write_text("발화\n" + "\n".join(f"발화 번호 {i}" for i in range(n)) + "\n", encoding="utf-8")
    return src


def command(src, out, store, server, *extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env |= {"OPENAI_API_KEY": "sk-resume", "OPENAI_BASE_URL": server.base_url}
    args = [
        sys.executable,
        "-m",
        "core",
        "run",
        str(src),
        "--template",
        "{발화}",
        "--out",
        str(out),
        "--store",
        str(store),
        *extra,
    ]
    return args, env


def run(src, out, store, server, *extra):
    """The same command in this process (only the SIGKILL test needs a process of its own)."""
    return cli("run", src, "--template", "{발화}", "--out", out, "--store", store, *extra, server=server)


def read(out):
    return pd.read_csv(io.BytesIO(Path(out).read_bytes()), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def asked(server):
    return sorted(b["messages"][-1]["content"] for b in server.chat_requests())


@pytest.mark.timeout(180)
def test_flaky_endpoint_loses_no_row_and_the_same_command_finishes_the_failed_ones(tmp_path):
    src, out, store = rows_file(tmp_path, 60), tmp_path / "out.csv", tmp_path / "s.sqlite3"
    with FakeOpenAI(error_500_rate=0.15, error_429_rate=0.10, hang_rate=0.03, retry_after=0.05, seed=7) as srv:
        flags = ("--timeout", "1", "--max-retries", "1", "--concurrency", "16")
        first = run(src, out, store, srv, *flags)
        df = read(out)
        assert set(df["status"]) <= {"ok", "failed"} and len(df) == 60
        assert all(df["output"][i] == f"ECHO: 발화 번호 {i}" for i in range(60) if df["status"][i] == "ok")
        failed = sorted(df.loc[df["status"] == "failed", "발화"])
        assert failed and all(df.loc[df["status"] == "failed", "error"].str.len() > 0)
        assert first.returncode == 1
        for _ in range(8):
            srv.reset()
            again = run(src, out, store, srv, *flags)
            assert set(asked(srv)) == set(failed)  # only the rows that had no answer
            df = read(out)
            failed = sorted(df.loc[df["status"] == "failed", "발화"])
            if again.returncode == 0:
                break
        assert again.returncode == 0 and (df["status"] == "ok").all()
        assert df["output"].tolist() == [f"ECHO: 발화 번호 {i}" for i in range(60)]


@pytest.mark.timeout(120)
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL does not exist on Windows")
def test_sigkill_part_way_then_resume_pays_only_for_what_was_in_flight(tmp_path):
    src, out, store = rows_file(tmp_path, 40), tmp_path / "out.csv", tmp_path / "s.sqlite3"
    with FakeOpenAI(latency=0.25) as srv:
        args, env = command(src, out, store, srv, "--concurrency", "4")
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while sum(r.status == 200 for r in srv.requests) < 12 and time.monotonic() < deadline:
            time.sleep(0.02)
        srv.latency = 3600  # from now on nothing is answered: the kill lands part-way however busy the machine is
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        first = len(srv.chat_requests())
        assert 12 <= first < 40 and not out.exists()
        srv.reset()
        srv.latency = 0.0
        assert run(src, out, store, srv, "--concurrency", "4").returncode == 0
        second = len(srv.chat_requests())
    assert read(out)["output"].tolist() == [f"ECHO: 발화 번호 {i}" for i in range(40)]
    assert first + second - 40 <= 4  # at most the requests that were in flight at the kill
