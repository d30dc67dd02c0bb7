"""`python -m core summarize`: map-reduce minutes over HTTP, JSON and action items out, the offline summary."""

import io
import json
import re

import pandas as pd
import pytest
from docx import Document

from tests.cli_support import cli
from testserver.minutes import minutes_responder
from testserver.server import FakeOpenAI


def meeting(path, n=60):
    lines = ["start,speaker,text"]
    for i in range(n):
        who = ("김민수", "이지은", "박서준")[i // 4 % 3]
        lines.append(f"{i * 30},{who},{i + 1}번째 발언입니다. 일정과 예산과 담당자를 두고 길게 이야기했습니다.")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI(responder=minutes_responder) as srv:
        yield srv


@pytest.fixture(autouse=True)
def fresh(server):
    server.reset()


def test_chunked_minutes_cite_rows_and_every_request_leads_with_the_system_prompt(server, tmp_path):
    out = tmp_path / "minutes.md"
    res = cli(
        "summarize",
        meeting(tmp_path / "m.csv"),
        "--chunk-tokens",
        "300",
        "--system",
        "회의록 지침 XYZ",
        "--out",
        out,
        "--no-store",
        server=server,
    )
    assert res.returncode == 0, res.stderr
    bodies = server.chat_requests()
    assert len(bodies) > 3 and all(b["messages"][0]["content"].startswith("회의록 지침 XYZ") for b in bodies)
    seen = {
        int(r)
        for b in bodies
        for m in b["messages"]
        if m["role"] == "user"
        for r in re.findall(r"(?m)^#(\d+) ", m["content"])
    }
    assert seen == set(range(1, 61))
    text = out.read_text(encoding="utf-8")
    assert re.search(r"#\d+", text) and "60/60 utterances reached the model" in res.stderr


def test_json_and_action_items_come_out_structured(server, tmp_path):
    actions = tmp_path / "actions.csv"
    res = cli("summarize", meeting(tmp_path / "m.csv", 20), "--json", "--actions", actions, "--no-store", server=server)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["coverage"]["complete"] and data["minutes"]["action_items"]
    raw = actions.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(table) == len(data["minutes"]["action_items"]) and table.iloc[0].str.contains("후속 작업").any()


def test_word_minutes_have_headings_cited_bullets_and_the_action_item_table(server, tmp_path):
    out = tmp_path / "minutes.docx"
    res = cli("summarize", meeting(tmp_path / "m.csv", 20), "--out", out, "--no-store", server=server)
    assert res.returncode == 0, res.stderr
    doc = Document(out)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert headings[0] == "회의록" and "요약" in headings and "할 일" in headings
    assert bullets and all(re.search(r"\[#\d+", b) for b in bullets)
    table = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert table[0] == ["할 일", "담당", "기한", "근거", "시각"] and len(table) > 1 and table[1][3].startswith("#")


def test_markdown_streams_to_stdout_and_a_short_meeting_is_one_request(server, tmp_path):
    res = cli("summarize", meeting(tmp_path / "m.csv", 6), "--no-store", server=server)
    assert res.returncode == 0, res.stderr
    assert len(server.chat_requests()) == 1 and server.chat_requests()[0]["stream"] is True
    assert "#1" in res.stdout or "#6" in res.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("--chunk-tokens", "0"), "--chunk-tokens must be at least 1"),
        (("--out", "x.pdf"), "--out must end in .md, .txt, .json or .docx"),
        (("--json", "--out", "x.docx"), "--json writes JSON"),
        (("--actions", "a.pdf"), "--actions must end in .csv or .xlsx"),
    ],
)
def test_bad_options_are_refused_before_any_request(server, tmp_path, args, message):
    res = cli("summarize", meeting(tmp_path / "m.csv", 4), *args, server=server)
    assert res.returncode == 2 and message in res.stderr and server.chat_requests() == []


def test_offline_summary_length_and_no_pretend_structure(tmp_path):
    src = meeting(tmp_path / "m.csv", 30)
    short, longer = (cli("summarize", src, "--sentences", n) for n in ("2", "6"))
    assert short.returncode == longer.returncode == 0
    count = lambda out: len(re.findall(r"(?m)^- ", out))
    assert count(short.stdout) == 2 and count(longer.stdout) == 6
    refused = cli("summarize", src, "--json")
    assert refused.returncode == 2 and "offline engine writes an extractive summary" in refused.stderr
