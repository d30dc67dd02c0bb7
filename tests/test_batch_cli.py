"""`python -m core run --batch` and `python -m core batch …` against the local server (a real process for SIGKILL)."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.cli_support import cli
from testserver import faults as ff
from testserver.server import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as srv:
        yield srv


@pytest.fixture(autouse=True)
def fresh(server):
    server.reset()


def env_for(server):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    return env | {"OPENAI_API_KEY": "sk-batch-cli", "OPENAI_BASE_URL": server.base_url}


def core(*args, server):
    """One command in this process (the SIGKILL test runs its own process)."""
    return cli(*args, server=server, key="sk-batch-cli")


def rows_file(tmp_path, n=200):
    src = tmp_path / "발화.csv"
    speakers = ["김민수", "이지은", "박서준"]
    lines = ["화자,발화"] + [
        f"{speakers[i % 3]},음 그러니까 {i}번째 안건은 {'좋아요' if i % 2 else '글쎄요'}" for i in range(n)
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


def read(path):
    return pd.read_csv(io.BytesIO(Path(path).read_bytes()), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def batch_posts(server):
    return [r for r in server.requests if r.method == "POST" and r.path == "/v1/batches"]


def test_a_200_row_batch_run_matches_a_live_run(server, tmp_path):
    src, store = rows_file(tmp_path), tmp_path / "s.sqlite3"
    live = core("run", src, "--task", "clean", "--out", tmp_path / "live.csv", "--no-store", server=server)
    assert live.returncode == 0, live.stderr
    res = core(
        "run", src, "--task", "clean", "--batch", "--batch-size", "80", "--poll", "0.05",
        "--out", tmp_path / "batch.csv", "--store", store, server=server,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert len(batch_posts(server)) == 3 and "completed, 80/80 done, 0 failed" in res.stderr
    pd.testing.assert_frame_equal(read(tmp_path / "live.csv"), read(tmp_path / "batch.csv"))
    assert len(server.batches.submitted) == 200 == len(set(server.batches.submitted))


def test_sigkill_while_waiting_then_the_same_command_submits_nothing_twice(server, tmp_path):
    src, store, out = rows_file(tmp_path), tmp_path / "s.sqlite3", tmp_path / "out.csv"
    args = ["run", src, "--template", "{화자}: {발화}", "--batch", "--batch-size", "70", "--poll", "0.05"]
    args += ["--out", out, "--store", store]
    server.batches.auto = False  # the batches wait until the test moves the clock
    proc = subprocess.Popen(
        [sys.executable, "-m", "core", *map(str, args)],
        cwd=ROOT, env=env_for(server), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.batches.wait_for(lambda b: len(b.batches) == 3 and b.retrieves >= 6, timeout=150), "never waited"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL and not out.exists()
    server.batches.auto = True
    res = core(*args, server=server)
    assert res.returncode == 0, res.stderr
    assert "picking up its submitted batches" in res.stderr
    assert len(batch_posts(server)) == 3 and len([r for r in server.requests if r.path == "/v1/files"]) == 3
    assert (
        sorted(server.batches.submitted) == sorted(set(server.batches.submitted))
        and len(server.batches.submitted) == 200
    )
    got = read(out)
    assert (got["status"] == "ok").all() and got["output"][5] == f"ECHO: {got['화자'][5]}: {got['발화'][5]}"


def test_no_wait_then_list_collect_and_cancel(server, tmp_path):
    src, store = rows_file(tmp_path, 20), tmp_path / "s.sqlite3"
    server.batches.auto = False
    sub = core("run", src, "--template", "{발화}", "--batch", "--no-wait", "--store", store, server=server)
    assert sub.returncode == 0, sub.stderr
    run_id = sub.stdout.split()[1]
    listed = core("batch", "list", "--store", store, server=server)
    assert listed.returncode == 0 and f"{run_id}\t" in listed.stdout and "\tvalidating\t0\t0\t20" in listed.stdout
    early = core("batch", "collect", run_id, "--out", tmp_path / "early.csv", "--no-wait", "--store", store,
                 server=server)  # fmt: skip
    assert early.returncode == 1 and set(read(tmp_path / "early.csv")["status"]) == {"cancelled"}
    server.batches.advance()
    server.batches.advance()  # half answered
    listed = core("batch", "list", "--store", store, server=server)
    assert "\tin_progress\t10\t0\t20" in listed.stdout  # asked the service, not only the store
    cancelled = core("batch", "cancel", run_id, "--store", store, server=server)
    assert cancelled.returncode == 0 and "cancelling" in cancelled.stderr
    server.batches.auto = True
    done = core("batch", "collect", run_id, "--out", tmp_path / "done.csv", "--poll", "0.05", "--store", store,
                server=server)  # fmt: skip
    assert done.returncode == 1, done.stderr
    got = read(tmp_path / "done.csv")
    assert (got["status"] == "ok").sum() == 10 and (got["status"] == "failed").sum() == 10
    assert "cancelled before this row was answered" in got["error"][got["status"] == "failed"].iloc[0]


def test_expired_rows_fail_with_the_reason_and_exit_1(server, tmp_path):
    server.batches.expire = True
    src = rows_file(tmp_path, 10)
    res = core("run", src, "--template", "{발화}", "--batch", "--poll", "0.05", "--out", tmp_path / "o.csv",
               "--store", tmp_path / "s.sqlite3", server=server)  # fmt: skip
    assert res.returncode == 1 and "expired" in res.stderr
    assert list(read(tmp_path / "o.csv")["status"]).count("failed") == 5


def test_refused_batch_is_reported_plainly(server, tmp_path):
    server.batches.max_lines = 5
    src = rows_file(tmp_path, 10)
    res = core("run", src, "--template", "{발화}", "--batch", "--poll", "0.05", "--out", tmp_path / "o.csv",
               "--store", tmp_path / "s.sqlite3", server=server)  # fmt: skip
    assert res.returncode == 1 and "more than the 5 allowed" in res.stderr
    got = read(tmp_path / "o.csv")
    assert set(got["status"]) == {"cancelled"} and "refused" in got["error"][0]


def test_batch_needs_an_endpoint_and_a_store(server, tmp_path):
    src = rows_file(tmp_path, 3)
    res = core("run", src, "--template", "{발화}", "--batch", "--no-store", "--out", tmp_path / "o.csv", server=server)
    assert res.returncode == 2 and "run store" in res.stderr
    res = cli("run", src, "--template", "{발화}", "--batch", "--out", tmp_path / "o.csv")
    assert res.returncode == 2 and "offline" in res.stderr and batch_posts(server) == []
    res = core("run", src, "--template", "{발화}", "--batch", "--budget", "1", "--store", tmp_path / "s.sqlite3",
               "--out", tmp_path / "o.csv", server=server)  # fmt: skip
    assert res.returncode == 2 and "--budget cannot hold a batch" in res.stderr and batch_posts(server) == []


def vllm_run_batch(requests: Path, results: Path) -> None:
    """What `vllm run-batch` does with the file: one result line per request, in its own order."""
    out = []
    for raw in requests.read_text(encoding="utf-8").splitlines():
        line = json.loads(raw)
        reply = ff.echo_responder(line["body"])
        body = ff.completion("chatcmpl-v", line["body"]["model"], reply, ff.usage_for(line["body"], reply))
        response = {"status_code": 200, "request_id": "r", "body": body}
        out.append({"id": "vllm-1", "custom_id": line["custom_id"], "response": response, "error": None})
    random.Random(3).shuffle(out)
    results.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in out[:-1]), encoding="utf-8")


def test_export_for_vllm_and_import_its_results(server, tmp_path):
    src, store = rows_file(tmp_path, 30), tmp_path / "s.sqlite3"
    exported = core("batch", "export", src, "--task", "clean", "--model", "Qwen/Qwen2.5-7B-Instruct",
                    "--out", tmp_path / "requests.jsonl", "--store", store, server=server)  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    run_id = exported.stdout.strip()
    assert "vllm run-batch -i" in exported.stderr and server.requests == []
    vllm_run_batch(tmp_path / "requests.jsonl", tmp_path / "results.jsonl")
    imported = core("batch", "import", tmp_path / "results.jsonl", "--run", run_id, "--out", tmp_path / "o.csv",
                    "--store", store, server=server)  # fmt: skip
    assert imported.returncode == 1  # the one line left out above
    got = read(tmp_path / "o.csv")
    assert (got["status"] == "ok").sum() == 29 and "No result line" in got["error"][got["status"] == "failed"].iloc[0]
    live = core("run", src, "--task", "clean", "--model", "Qwen/Qwen2.5-7B-Instruct", "--out", tmp_path / "l.csv",
                "--no-store", server=server)  # fmt: skip
    assert live.returncode == 0, live.stderr
    ok, column = got["status"] == "ok", "정리된 발화"
    assert (read(tmp_path / "l.csv")[column][ok] == got[column][ok]).all() and got[column][ok].str.startswith(
        "ECHO"
    ).all()


def test_few_shot_examples_go_with_a_batch_run_and_its_answers_keep_them_apart(server, tmp_path):
    src, store = rows_file(tmp_path, 6), tmp_path / "s.sqlite3"
    examples = tmp_path / "고친.csv"
    examples.write_text("발화,output\n음 그러니까 안건은,안건\n", encoding="utf-8")
    prompt = ["--template", "<data>{발화}</data>", "--store", store]
    server.batches.auto = False
    sub = core("run", src, *prompt, "--examples", examples, "--batch", "--no-wait", server=server)
    assert sub.returncode == 0, sub.stderr
    run_id = sub.stdout.split()[1]
    plain = core("run", src, *prompt, "--batch", "--no-wait", server=server)
    assert plain.returncode == 0 and plain.stdout.split()[1] != run_id  # not the same run: its prompts differ
    sent = [
        line["body"]["messages"]
        for batch in server.batches.batches.values()
        for line in map(json.loads, server.batches.data[batch["input_file_id"]].decode("utf-8").splitlines())
        if line["custom_id"].startswith(f"run{run_id}-")
    ]
    assert len(sent) == 6 and all(m[:2] == [{"role": "user", "content": "<data>음 그러니까 안건은</data>"},
                                            {"role": "assistant", "content": "안건"}] for m in sent)  # fmt: skip
    server.batches.auto = True
    done = core("batch", "collect", run_id, "--out", tmp_path / "b.csv", "--poll", "0.05", "--store", store,
                server=server)  # fmt: skip
    assert done.returncode == 0, done.stderr
    server.reset()
    live = core("run", src, *prompt, "--out", tmp_path / "live.csv", server=server)
    assert live.returncode == 0, live.stderr
    assert len(server.chat_requests()) == 6  # answers made with examples are never served to a run without them
    server.reset()
    again = core("run", src, *prompt, "--examples", examples, "--out", tmp_path / "again.csv", server=server)
    assert again.returncode == 0 and server.chat_requests() == []  # ... and are served to the same prompt, live
