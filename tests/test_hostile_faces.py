"""Every hostile file of the corpus, through both faces: the CLI says why in one line and exits 2; the Upload page
shows a plain message, keeps the table it had, and goes on serving."""

import pytest

from core.cli.main import main
from tests.app_support import cp949_csv, new_app, no_crash, texts, upload
from tests.hostile_files import corpus

CASES = corpus()
NEEDS_SMALL_LIMITS = {"too_large", "too_many_rows", "too_many_rows_spaced", "too_many_rows_xlsx"}
FACES = sorted(set(CASES) - NEEDS_SMALL_LIMITS)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("case", FACES)
def test_the_cli_refuses_in_one_line_with_exit_2(case, tmp_path, capsys):
    name, data, words = CASES[case]
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["parse", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("error: ")
    assert words.casefold() in err.casefold() and "Traceback" not in err


@pytest.fixture(scope="module")
def session():
    return upload(new_app(), "발화.csv", cp949_csv())


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", [c for c in FACES if not CASES[c][0].endswith(".bin")])
def test_the_upload_page_says_why_and_keeps_the_table(session, case):
    name, data, _ = CASES[case]
    before = session.session_state["table"]
    at = upload(session, name, data, "application/octet-stream")
    no_crash(at)
    shown = texts(at.error)
    assert len(shown) == 1 and shown[0].startswith("파일을 읽을 수 없습니다") and "Traceback" not in shown[0]
    assert at.session_state["table"] is before and at.session_state["upload"].name == "발화.csv"


def test_after_every_bad_file_a_good_one_still_loads(session):
    at = upload(session, "다시.csv", cp949_csv())
    no_crash(at)
    assert not at.error and at.session_state["upload"].name == "다시.csv"
