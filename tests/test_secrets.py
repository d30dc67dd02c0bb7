"""A planted key must appear nowhere it should not: store, exports, messages, stdout/stderr."""

from pathlib import Path

from tests.cli_support import cli
from testserver.server import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
PLANTED = "sk-proj-PLANTEDkey0123456789abcdefXYZ"


def run_cli(tmp_path, server, *extra):
    src = tmp_path / "in.csv"
    src.write_text("발화\n안녕하세요\n=cmd\n", encoding="utf-8")
    return cli(
        "run",
        src,
        "--task",
        "clean",
        "--out",
        tmp_path / "out.csv",
        "--store",
        tmp_path / "store.sqlite3",
        "--details",
        *extra,
        server=server,
        key=PLANTED,
    )


def everything_written(tmp_path, res):
    blobs = [p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()]
    return b"".join(blobs) + res.stdout.encode() + res.stderr.encode()


def test_a_refused_key_is_not_echoed_anywhere(tmp_path):
    with FakeOpenAI(require_key="the-real-key") as srv:
        res = run_cli(tmp_path, srv, "--max-retries", "0")
    assert res.returncode == 1 and "API key was refused" in res.stderr
    written = everything_written(tmp_path, res)
    assert PLANTED.encode() not in written and PLANTED[8:20].encode() not in written and b"XYZ" not in written


def test_a_successful_run_keeps_the_key_out_of_store_and_exports(tmp_path):
    with FakeOpenAI() as srv:
        res = run_cli(tmp_path, srv)
        assert srv.requests[0].auth_key == PLANTED  # it was used, only on the wire
    assert res.returncode == 0
    assert PLANTED.encode() not in everything_written(tmp_path, res)
