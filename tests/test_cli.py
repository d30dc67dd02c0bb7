"""The command line end to end, in-process through main(argv): real files, the real openai client, our local server
over HTTP; one test runs `python -m core` as a process."""

import gc
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.cli_support import cli
from testserver.server import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as srv:
        yield srv


@pytest.fixture(autouse=True)
def fresh(server):
    server.reset()


def read_csv(path):
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_tasks_lists_the_presets():
    out = cli("tasks")
    assert out.returncode == 0 and "clean" in out.stdout and "대본 정리" in out.stdout


def test_cp949_csv_runs_each_row_with_its_own_request_and_the_given_system_prompt(server, tmp_path):
    src = tmp_path / "발화.csv"
    rows = [
        "번호,화자,발화",
        "1,김민수,음 그러니까 회의를 시작할게요",
        "2,이지은,=SUM(A1) 같은 건 빼주세요",
        '3,박서준,"네, 좋습니다"',
    ]
    src.write_bytes("\r\n".join(rows).encode("cp949"))
    out_path = tmp_path / "out.csv"
    res = cli(
        "run",
        src,
        "--task",
        "clean",
        "--system",
        "정리 지침 ABC",
        "--concurrency",
        "2",
        "--out",
        out_path,
        server=server,
    )
    assert res.returncode == 0, res.stderr
    df = read_csv(out_path)
    assert list(df.columns) == ["번호", "화자", "발화", "정리된 발화", "status", "error"]
    assert df["발화"].tolist()[0] == "음 그러니까 회의를 시작할게요"
    assert df["정리된 발화"].tolist() == [
        "ECHO: <data>음 그러니까 회의를 시작할게요</data>",
        "ECHO: <data>=SUM(A1) 같은 건 빼주세요</data>",
        "ECHO: <data>네, 좋습니다</data>",
    ]
    assert df["발화"][1] == "'=SUM(A1) 같은 건 빼주세요"
    bodies = server.chat_requests()
    assert len(bodies) == 3 and {b["messages"][0]["content"] for b in bodies} == {"정리 지침 ABC"}
    assert all(b["messages"][-1]["content"].count("<data>") == 1 for b in bodies)


def test_xlsx_sheet_by_name_and_custom_template_to_xlsx(server, tmp_path):
    src = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "메모"
    wb.active.append(["메모"])
    wb.active.append(["무시할 시트"])
    ws = wb.create_sheet("발화목록")
    ws.append(["화자", "발화"])
    ws.append(["김", "첫 번째"])
    ws.append(["이", "두 번째"])
    wb.save(src)
    out_path = tmp_path / "out.xlsx"
    res = cli(
        "run",
        src,
        "--sheet",
        "발화목록",
        "--template",
        "{화자}: {발화}",
        "--output-column",
        "답",
        "--out",
        out_path,
        server=server,
    )
    assert res.returncode == 0, res.stderr
    ws_out = openpyxl.load_workbook(out_path).active
    values = [[c.value for c in row] for row in ws_out.iter_rows()]
    assert values[0] == ["화자", "발화", "답", "status", "error"]
    assert [v[2] for v in values[1:]] == ["ECHO: 김: 첫 번째", "ECHO: 이: 두 번째"]


def test_some_rows_failed_exits_1_and_still_writes_the_file(server, tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("text\nfine\n[[500]] broken\n", encoding="utf-8")
    out_path = tmp_path / "o.csv"
    res = cli("run", src, "--template", "{text}", "--max-retries", "0", "--out", out_path, server=server)
    assert res.returncode == 1 and "1 failed" in res.stderr and "row 2" in res.stderr
    assert read_csv(out_path)["status"].tolist() == ["ok", "failed"]


@pytest.mark.parametrize("texts", [["one", "two", "three"], ["[[500]] a", "[[500]] b", "[[500]] c"]])
def test_the_quote_is_printed_once_before_the_summary_whether_rows_answer_or_fail(server, tmp_path, texts):
    src = tmp_path / "t.csv"
    src.write_text("text\n" + "\n".join(texts) + "\n", encoding="utf-8")
    res = cli("run", src, "--template", "{text}", "--max-retries", "0", "--out", tmp_path / "o.csv", server=server)
    assert res.stderr.count("quote: 3 requests") == 1, res.stderr
    assert res.stderr.index("quote: 3 requests") < res.stderr.index(" ok, "), res.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "sample.csv", "--template", "{없는열}", "--out", "o.csv"], "{없는열}"),
        (["run", "missing.csv", "--task", "clean", "--out", "o.csv"], "missing.csv"),
        (["run", "sample.csv", "--task", "nope", "--out", "o.csv"], "No task named"),
        (["run", "sample.csv", "--task", "clean", "--out", "o.json"], ".csv or .xlsx"),
        (["run", "sample.csv", "--task", "clean"], "--out"),
        (["run", "sample.csv", "--out", "o.csv"], "--task"),
        (["run", "empty.csv", "--task", "clean", "--out", "o.csv"], "empty"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_briefly_and_sends_nothing(server, tmp_path, args, message):
    (tmp_path / "sample.csv").write_text("발화\n안녕\n", encoding="utf-8")
    (tmp_path / "empty.csv").write_bytes(b"")
    args = [str(tmp_path / a) if a.endswith(".csv") and not a.startswith("o.") else a for a in args]
    args = [str(tmp_path / a) if a.startswith("o.") else a for a in args]
    res = cli(*args, server=server)
    assert res.returncode == 2
    assert message in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) <= 3
    assert server.requests == []


def test_dry_run_prints_messages_and_sends_nothing(server, tmp_path):
    src = tmp_path / "s.csv"
    src.write_text("발화\n하나\n둘\n", encoding="utf-8")
    res = cli("run", src, "--task", "clean", "--dry-run", server=server)
    assert res.returncode == 0 and "<data>하나</data>" in res.stdout and server.requests == []


def test_parse_writes_csv_to_stdout(tmp_path):
    src = tmp_path / "m.txt"
    src.write_text("김민수: 안녕하세요\n이지은: 반갑습니다\n", encoding="utf-8")
    res = cli("parse", src)
    assert res.returncode == 0
    df = pd.read_csv(io.StringIO(res.stdout), dtype=str, keep_default_na=False)
    assert df["speaker"].tolist() == ["김민수", "이지은"] and df["text"].tolist() == ["안녕하세요", "반갑습니다"]


def test_template_and_system_from_files(server, tmp_path):
    src = tmp_path / "s.csv"
    src.write_text("발화\n하나\n", encoding="utf-8")
    (tmp_path / "t.txt").write_bytes("요청: {발화}".encode("cp949"))
    (tmp_path / "s.txt").write_text("파일에서 온 시스템", encoding="utf-8")
    res = cli(
        "run",
        src,
        "--template",
        f"@{tmp_path / 't.txt'}",
        "--system",
        f"@{tmp_path / 's.txt'}",
        "--out",
        tmp_path / "o.csv",
        server=server,
    )
    assert res.returncode == 0, res.stderr
    body = server.chat_requests()[0]
    assert body["messages"] == [
        {"role": "system", "content": "파일에서 온 시스템"},
        {"role": "user", "content": "요청: 하나"},
    ]


def test_redirected_output_is_utf8_whatever_the_locale(tmp_path):
    src = tmp_path / "m.txt"
    src.write_text("김민수: 안녕하세요\n", encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "core", "summarize", str(src)],
        cwd=ROOT,
        capture_output=True,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")},
            "PYTHONIOENCODING": "cp1252",
            "PYTHONUTF8": "0",
        },
        timeout=60,
    )
    assert res.returncode == 0, res.stderr
    assert "안녕하세요" in res.stdout.decode("utf-8") and "대본 정리" in res.stderr.decode("utf-8")


def test_quote_needs_no_out_file_and_sends_nothing(server, tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("text\none\ntwo\n", encoding="utf-8")
    res = cli("run", src, "--template", "{text}", "--quote", server=server)
    assert res.returncode == 0 and "quote: 2 requests" in res.stderr, res.stderr
    assert server.chat_requests() == [] and list(tmp_path.iterdir()) == [src]


@pytest.fixture
def collector_off_as_python_m_core_starts():
    """The collector as `python -m core` starts (off), and as the test process had it after."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.parametrize("paced", [False, True])
def test_start_up_ends_once_the_workers_start_and_a_paced_run_loads_its_vocabulary_before_any_request(
    server, tmp_path, monkeypatch, paced, collector_off_as_python_m_core_starts
):
    import core.cli.run as run_command

    seen = []
    monkeypatch.setattr(gc, "freeze", lambda: seen.append(("freeze", gc.isenabled())))
    load = run_command.load_vocabulary
    monkeypatch.setattr(
        run_command, "load_vocabulary", lambda m: (seen.append(("vocabulary", len(server.requests))), load(m))
    )
    src = tmp_path / "t.csv"
    src.write_text("text\none\ntwo\nthree\n", encoding="utf-8")
    pace = ["--rpm", "6000"] if paced else []
    res = cli("run", src, "--template", "{text}", *pace, "--out", tmp_path / "o.csv", server=server)
    assert res.returncode == 0 and "3 ok" in res.stderr, res.stderr
    # Paced, no moment of the run is idle: the count's one step that cannot pause comes before the first request.
    assert seen == ([("vocabulary", 0)] if paced else []) + [("freeze", False)]
    assert gc.isenabled()


def test_every_other_command_turns_the_collector_back_on_before_it_works(collector_off_as_python_m_core_starts):
    assert cli("tasks").returncode == 0 and gc.isenabled()


@pytest.mark.parametrize("flag", ["--dry-run", "--quote"])
def test_a_run_that_sends_nothing_turns_the_collector_back_on_too(
    server, tmp_path, flag, collector_off_as_python_m_core_starts
):
    src = tmp_path / "t.csv"
    src.write_text("text\none\n", encoding="utf-8")
    assert cli("run", src, "--template", "{text}", flag, server=server).returncode == 0 and gc.isenabled()
