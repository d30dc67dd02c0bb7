"""The Upload page renames speakers for everything downstream; the Minutes page gives the minutes as Word."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document

from tests.app_support import connect, downloads, new_app, no_crash, upload
from tests.test_app_summary import on_summary, write
from testserver.minutes import minutes_responder
from testserver.server import FakeOpenAI

REAL = Path(__file__).parent / "data" / "real"


def on_upload(name: str = "whisperx_diarized_fr.srt"):
    return upload(new_app(), name, (REAL / name).read_bytes(), "application/x-subrip")


def names_editor_key(at) -> str:
    return next(k for k in at.session_state if str(k).startswith("w.speakers."))


def test_each_speaker_label_is_listed_with_its_count_and_a_sample_line():
    at = on_upload()
    no_crash(at)
    editor = at.data_editor(key=names_editor_key(at))
    shown = editor.value
    assert shown["label"].tolist() == ["SPEAKER_02", "SPEAKER_00", "SPEAKER_01"]
    assert shown["count"].tolist() == [10, 12, 2] and shown["sample"].tolist()[0] == "Bonjour."


def test_applied_names_replace_the_labels_in_the_table_and_are_kept_for_the_session():
    at = on_upload()
    key = names_editor_key(at)
    at.session_state[key] = {
        "edited_rows": {1: {"name": "김민수"}, 2: {"name": "이지영"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="b.speakers").click().run()
    no_crash(at)
    speakers = at.session_state["table"].df["speaker"]
    assert set(speakers) == {"SPEAKER_02", "김민수", "이지영"} and (speakers == "김민수").sum() == 12
    assert at.session_state["speaker_names"] == {"SPEAKER_00": "김민수", "SPEAKER_01": "이지영"}
    assert any("이름을 바꿨습니다" in c.value for c in at.caption)
    at.switch_page("pages/rows.py").run().switch_page("pages/upload.py").run()
    assert (at.session_state["table"].df["speaker"] == "이지영").sum() == 2  # still renamed after a page switch


def test_a_new_file_starts_with_its_own_labels():
    at = on_upload()
    at.session_state[names_editor_key(at)] = {
        "edited_rows": {0: {"name": "Mari"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run().button(key="b.speakers").click().run()
    upload(at, "call.vtt", (REAL / "whisperx_diarized_fr.vtt").read_bytes(), "text/vtt")
    assert at.session_state["speaker_names"] == {} and "SPEAKER_02" in set(at.session_state["table"].df["speaker"])


def test_the_minutes_download_as_word_with_headings_cited_bullets_and_the_action_items():
    with FakeOpenAI(responder=minutes_responder) as srv:
        at = connect(on_summary(), srv.base_url)
        with downloads() as files:
            write(at)
    data, mime = files["회의_회의록.docx"]
    assert mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "회의록" and "요약" in headings
    assert any("[#" in p.text for p in doc.paragraphs if p.style.name == "List Bullet")
    assert at.session_state["minutes"].result.minutes.action_items  # the test server's minutes have some
    table = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert table[0] == ["할 일", "담당", "기한", "근거", "시각"] and table[1][3].startswith("#")
