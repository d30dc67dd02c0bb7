"""The CLI contract of the workbench: compare, run --examples and prompts, over HTTP against our local server."""

import pytest

from tests.cli_support import cli
from tests.test_cli import read_csv
from testserver.server import FakeOpenAI

ROWS = ["회의를 시작할게요", "", "일정이 늦어집니다", "예산을 다시 볼게요", "다음 주에 봬요", "질문 있으신가요"]


def system_tagged(body):
    """Answers with the first word of the system prompt, so two system prompts give different answers."""
    system = body["messages"][0]["content"] if body["messages"][0]["role"] == "system" else ""
    return f"{system.split()[0] if system else '-'}|{body['messages'][-1]['content']}"


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI(responder=system_tagged) as srv:
        yield srv


@pytest.fixture(autouse=True)
def fresh(server):
    server.reset()


@pytest.fixture
def src(tmp_path):
    path = tmp_path / "발화.csv"
    path.write_text("화자,발화\n" + "\n".join(f"김{i},{t}" for i, t in enumerate(ROWS)) + "\n", encoding="utf-8")
    return path


def test_two_systems_two_answer_columns_and_same(server, src, tmp_path):
    out = tmp_path / "cmp.csv"
    res = cli(
        "compare",
        src,
        "--column",
        "발화",
        "--system",
        "가 지침",
        "--system",
        "나 지침",
        "--sample",
        "3",
        "--seed",
        "4",
        "--out",
        out,
        server=server,
    )
    assert res.returncode == 0, res.stderr
    df = read_csv(out)
    assert list(df.columns) == ["화자", "발화", "output_A", "output_B", "same"]
    assert len(df) == 3 and "" not in df["발화"].tolist()  # blank rows are never sampled
    assert df["output_A"].tolist() == [f"가|{t}" for t in df["발화"]]
    assert df["output_B"].tolist() == [f"나|{t}" for t in df["발화"]]
    assert df["same"].tolist() == ["no"] * 3
    asked = [(b["messages"][0]["content"], b["messages"][-1]["content"]) for b in server.chat_requests()]
    assert len(asked) == 6 and len(set(asked)) == 6  # each sampled row once per variant
    assert {a for _, a in asked} == set(df["발화"])
    assert "3 of 3 rows changed" in res.stderr


def test_two_models_one_system_labels_and_output_column(server, src, tmp_path):
    out = tmp_path / "cmp.xlsx"
    res = cli(
        "compare",
        src,
        "--column",
        "발화",
        "--template",
        "{발화}",
        "--system",
        "같은 지침",
        "--model",
        "gpt-4o-mini",
        "--model",
        "gpt-4.1-mini",
        "--label",
        "mini",
        "--label",
        "4.1",
        "--output-column",
        "답",
        "--sample",
        "2",
        "--no-store",
        "--out",
        out,
        server=server,
    )
    assert res.returncode == 0, res.stderr
    import pandas as pd

    df = pd.read_excel(out, dtype=str, engine="calamine").fillna("")
    assert list(df.columns) == ["화자", "발화", "답_mini", "답_4.1", "same"]
    assert df["발화"].tolist() == ROWS[:1] + ROWS[2:3]  # the first two rows with text
    assert df["same"].tolist() == ["yes", "yes"]
    models = sorted(b["model"] for b in server.chat_requests())
    assert models == ["gpt-4.1-mini", "gpt-4.1-mini", "gpt-4o-mini", "gpt-4o-mini"]


def test_without_sample_every_row_with_text_and_store_answers_them_again_for_free(server, src, tmp_path):
    store = tmp_path / "s.sqlite3"
    args = ("compare", src, "--column", "발화", "--system", "가", "--system", "나", "--store", store)
    assert cli(*args, "--out", tmp_path / "1.csv", server=server).returncode == 0
    assert len(server.chat_requests()) == 2 * 5
    server.reset()
    assert cli(*args, "--out", tmp_path / "2.csv", server=server).returncode == 0
    assert server.chat_requests() == []
    assert read_csv(tmp_path / "1.csv").equals(read_csv(tmp_path / "2.csv"))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--system", "only one"], "two variants"),
        (["--system", "a", "--system", "b", "--model", "x", "--model", "y", "--model", "z"], "for 3 variants"),
        (["--system", "a", "--system", "b", "--sample", "0"], "at least 1"),
    ],
)
def test_compare_usage_errors_send_nothing(server, src, tmp_path, extra, message):
    res = cli("compare", src, *extra, "--out", tmp_path / "o.csv", server=server)
    assert res.returncode == 2 and message in res.stderr
    assert server.chat_requests() == []


def test_run_with_examples_sends_pairs_between_system_and_row(server, src, tmp_path):
    examples = tmp_path / "고친.csv"
    examples.write_text(
        "화자,발화,output,status\n김,일정이 늦어질 것 같아요,일정 지연,ok\n"
        "이,회의 시작합시다,회의 시작,ok\n박,아무 말,,failed\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    res = cli(
        "run",
        src,
        "--template",
        "<data>{발화}</data>",
        "--system",
        "요약하세요",
        "--examples",
        examples,
        "--max-examples",
        "1",
        "--out",
        out,
        server=server,
    )
    assert res.returncode == 0, res.stderr
    bodies = {b["messages"][-1]["content"]: b["messages"] for b in server.chat_requests()}
    assert len(bodies) == 5
    assert bodies["<data>일정이 늦어집니다</data>"] == [
        {"role": "system", "content": "요약하세요"},
        {"role": "user", "content": "<data>일정이 늦어질 것 같아요</data>"},
        {"role": "assistant", "content": "일정 지연"},
        {"role": "user", "content": "<data>일정이 늦어집니다</data>"},
    ]
    assert bodies["<data>회의를 시작할게요</data>"][1:3] == [
        {"role": "user", "content": "<data>회의 시작합시다</data>"},
        {"role": "assistant", "content": "회의 시작"},
    ]
    server.reset()
    res = cli(
        "run",
        src,
        "--template",
        "<data>{발화}</data>",
        "--system",
        "요약하세요",
        "--examples",
        examples,
        "--out",
        out,
        server=server,
    )
    assert res.returncode == 0, res.stderr
    sent = server.chat_requests()
    assert len(sent) == 5 and all(len(b["messages"]) == 6 for b in sent)  # both examples, in file order
    assert [m["content"] for m in sent[0]["messages"][2:5:2]] == ["일정 지연", "회의 시작"]


def test_examples_file_without_the_output_column_is_a_usage_error(server, src, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("발화,답\n가,나\n", encoding="utf-8")
    res = cli("run", src, "--template", "{발화}", "--examples", bad, "--out", tmp_path / "o.csv", server=server)
    assert res.returncode == 2 and "output" in res.stderr and server.chat_requests() == []


def test_prompts_save_list_show_diff_export_import(tmp_path):
    store = ("--store", tmp_path / "s.sqlite3")
    assert (
        cli("prompts", *store, "save", "공손", "--system", "정중하게.", "--task", "clean").stdout.strip() == "공손 v1"
    )
    res = cli("prompts", *store, "save", "공손", "--system", "정중하게.\n존댓말로.", "--task", "clean")
    assert res.stdout.strip() == "공손 v2"
    assert cli(
        "prompts", *store, "save", "공손", "--system", "정중하게.\n존댓말로.", "--task", "clean"
    ).stdout.startswith("공손 v2 (unchanged")
    listed = cli("prompts", "list", *store).stdout.split("\t")  # --store after the action works too
    assert listed[:3] == ["공손", "clean", "v2"]
    shown = cli("prompts", *store, "show", "공손", "--version", "1").stdout
    assert "정중하게." in shown and "존댓말로." not in shown and "<data>{text}</data>" in shown
    assert "+존댓말로." in cli("prompts", *store, "diff", "공손", "1", "2").stdout
    exported = cli("prompts", *store, "export").stdout
    assert "[[prompt]]" in exported and "존댓말로." in exported
    path = tmp_path / "p.toml"
    path.write_text(exported, encoding="utf-8")
    other = ("--store", tmp_path / "other.sqlite3")
    assert cli("prompts", *other, "import", path).stdout.strip() == "공손: 2 new versions"
    assert cli("prompts", *other, "show", "공손").stdout == cli("prompts", *store, "show", "공손").stdout
    missing = cli("prompts", *store, "show", "없음")
    assert missing.returncode == 2 and "없음" in missing.stderr
