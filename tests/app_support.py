"""Shared helpers for the AppTest tests of the Streamlit pages (not a test module itself)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pandas as pd
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TEXT, SPEAKER = "발화", "화자"
UTTERANCES = pd.DataFrame(
    {
        "번호": ["1", "2", "3", "4"],
        SPEAKER: ["김민수", "이지은", "김민수", "박서준"],
        TEXT: [
            "음 그러니까 어 제가 제가 말씀드린 거는 일정이 좀 늦어진다는 거죠",
            "아 네 그럼 다음 주 월요일까지 보고서를 보내 주세요",
            "네 알겠습니다 막 최대한 빨리 할게요",
            "저 근데 예산은 어떻게 되나요",
        ],
    }
)


def cp949_csv(df: pd.DataFrame = UTTERANCES) -> bytes:
    """The table as Korean Windows Excel saves a CSV: CP949, no BOM, CRLF."""
    return df.to_csv(index=False, lineterminator="\r\n").encode("cp949")


def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx with the given sheets, in order."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            df.to_excel(writer, sheet_name=name, index=False)
    return buf.getvalue()


def new_app(**context: str) -> AppTest:
    """A fresh session of the app (its own session state), run once."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.context.update(context)
    return at.run()


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    """Drop a file on the upload page's uploader."""
    if not at.get("file_uploader"):
        at.switch_page("pages/upload.py").run()
    return at.file_uploader(key="w.uploader").set_value((name, data, mime)).run()


def loaded(data: bytes = b"", name: str = "회의.csv", **context: str) -> AppTest:
    """A session with the CP949 utterance table uploaded, on the rows page."""
    at = new_app(**context)
    upload(at, name, data or cp949_csv())
    return at.switch_page("pages/rows.py").run()


def connect(at: AppTest, base_url: str, key: str = "sk-test-key") -> AppTest:
    """Point this session at a server by typing in the sidebar, as a user would."""
    at.text_input(key="w.base_url").input(base_url).run()
    return at.text_input(key="w.api_key").input(key).run()


def wait_for_run(at: AppTest, timeout: float = 30.0) -> AppTest:
    """Wait for the background run to finish, then rerun so the page shows the results."""
    job = at.session_state["row_job"]
    if job is not None:
        assert job.wait(timeout), "the run did not finish in time"
    return at.run()


def wait_for_trial(at: AppTest, timeout: float = 30.0) -> AppTest:
    """Wait for the Workbench's try or comparison to finish, then rerun so the page shows it."""
    job = at.session_state["workbench"].job
    if job is not None:
        assert job.wait(timeout), "the comparison did not finish in time"
    return at.run()


def minutes_text(at: AppTest) -> str:
    """The minutes' text the session holds now, as written then edited ("" when there are none)."""
    made = at.session_state["minutes"]
    return "" if made is None else made.text


def wait_until(check, timeout: float = 30.0) -> None:
    """Poll `check()` until it is true."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def editor_key(at: AppTest) -> str:
    """The results editor's current widget key."""
    return at.session_state["results_window"].widget


def edit_cell(at: AppTest, row: int, column: str, value: str) -> AppTest:
    """Edit one cell of the results editor the way the browser reports it (`row`: its position in the window)."""
    at.session_state[editor_key(at)] = {"edited_rows": {row: {column: value}}, "added_rows": [], "deleted_rows": []}
    return at.run()


def _made_elsewhere(make) -> bytes:
    """Call a deferred download as the server does on a click: in another thread, outside the script run."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(make()))
    worker.start()
    worker.join(60)
    assert out, "the deferred download failed"
    return out[0].encode("utf-8") if isinstance(out[0], str) else out[0]


@contextmanager
def downloads() -> Iterator[dict[str, tuple[bytes, str]]]:
    """Capture what each download button would give: file name -> (bytes, mime type); files built on click are
    built once, outside the script run, as a click would."""
    files: dict[str, tuple[bytes, str]] = {}
    original, original_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def spy(self, data, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            files[file_name] = (data, mimetype)
        return original(self, data, mimetype, coordinates, file_name=file_name, **kwargs)

    def spy_deferred(self, make, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            files[file_name] = (_made_elsewhere(make), mimetype)
        return original_deferred(self, make, mimetype, coordinates, file_name=file_name, **kwargs)

    with (
        mock.patch.object(MediaFileManager, "add", spy),
        mock.patch.object(MediaFileManager, "add_deferred", spy_deferred),
    ):
        yield files


def texts(elements) -> list[str]:
    """The text values of a list of AppTest elements."""
    return [e.value for e in elements]


def no_crash(at: AppTest) -> None:
    """Neither an uncaught exception nor an unexpected-error box on the page."""
    assert not at.exception, [e.message for e in at.exception]
    assert not [e for e in texts(at.error) if "예상하지 못한" in e or "unexpected" in e.lower()]


def echo(text: str) -> str:
    """What the local test server answers to a row sent as <data>text</data>."""
    return f"ECHO: <data>{text}</data>"


def results(at: AppTest) -> pd.DataFrame:
    """The results table as the editor shows it (without pending edits)."""
    return at.data_editor[0].value.reset_index(drop=True)


def metric(at: AppTest, label: str) -> str:
    """The value of the metric with this label."""
    return {m.label: m.value for m in at.metric}[label]
