"""The upload page: reading files, the sheet picker, encoding and size, column mapping, samples, bad files."""

import pandas as pd
import pytest

from tests.app_support import ROOT, SPEAKER, TEXT, UTTERANCES, cp949_csv, new_app, no_crash, texts, upload, workbook
from ui.upload import extensions

SAMPLES = ROOT / "sample_data"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_cp949_csv_is_read_with_encoding_rows_and_preview():
    at = upload(new_app(), "발화.csv", cp949_csv())
    no_crash(at)
    shown = metrics(at)
    assert shown["인코딩"].lower().replace("-", "") in ("cp949", "euckr", "uhc")
    assert shown["행 수"] == "4" and shown["열 수"] == "3"
    preview = at.dataframe[0].value
    assert list(preview.columns) == list(UTTERANCES.columns)
    assert preview[TEXT].tolist() == UTTERANCES[TEXT].tolist()  # Korean intact, not mojibake
    assert at.session_state["table"].df[TEXT].tolist() == UTTERANCES[TEXT].tolist()


def test_column_mapping_is_kept_in_plain_state():
    at = upload(new_app(), "발화.csv", cp949_csv())
    text_box = at.selectbox(key=[k for k in at.session_state if k.startswith("w.text_col.")][0])
    speaker_box = at.selectbox(key=[k for k in at.session_state if k.startswith("w.speaker_col.")][0])
    assert text_box.options == list(UTTERANCES.columns)
    assert speaker_box.options[0] == "(없음)"
    text_box.set_value("번호").run()
    speaker_box.set_value(SPEAKER).run()
    assert at.session_state["text_column"] == "번호" and at.session_state["speaker_column"] == SPEAKER
    at.switch_page("pages/summary.py").run().switch_page("pages/upload.py").run()
    assert at.session_state["text_column"] == "번호"
    assert [s.value for s in at.selectbox if s.label == "본문 열"] == ["번호"]


def test_workbook_sheet_picker_reads_the_chosen_sheet():
    memo = pd.DataFrame({"메모": ["다음 회의는 금요일", "예산안 초안 공유"]})
    at = upload(
        new_app(),
        "회의.xlsx",
        workbook({"발화목록": UTTERANCES, "메모": memo}),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    no_crash(at)
    picker = at.selectbox(key=[k for k in at.session_state if k.startswith("w.sheet.")][0])
    assert picker.options == ["발화목록", "메모"] and picker.value == "발화목록"
    assert metrics(at)["행 수"] == "4"
    picker.set_value("메모").run()
    no_crash(at)
    table = at.session_state["table"]
    assert table.sheet == "메모" and list(table.df.columns) == ["메모"]
    assert metrics(at)["행 수"] == "2"
    assert at.dataframe[0].value["메모"].tolist() == memo["메모"].tolist()


def test_a_bad_file_explains_itself_and_keeps_the_table():
    at = upload(new_app(), "발화.csv", cp949_csv())
    cut_short = workbook({"발화목록": UTTERANCES})[:300]  # a download that stopped half way
    upload(at, "망가짐.xlsx", cut_short, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert not at.exception
    assert texts(at.error) == ["파일을 읽을 수 없습니다: 엑셀 파일이 손상되었거나 일부만 받아졌습니다."]
    assert any("발화.csv" in c for c in texts(at.caption))  # tells which table is still there
    assert metrics(at)["행 수"] == "4"
    assert at.session_state["table"].df[TEXT].tolist() == UTTERANCES[TEXT].tolist()


def test_an_empty_file_is_refused_in_plain_words():
    at = upload(new_app(), "빈파일.csv", b"")
    assert not at.exception
    assert texts(at.error) == ["파일을 읽을 수 없습니다: 비어 있거나 행이 없습니다."]
    assert at.session_state["table"] is None
    at.radio(key="w.lang").set_value("en").run()
    assert texts(at.error) == ["This file cannot be read: it is empty or has no rows."]


def test_the_sample_button_loads_a_sample_file():
    names = {p.name for p in SAMPLES.iterdir() if p.suffix.lstrip(".") in extensions()}
    assert names, "sample_data/ should ship sample files"
    at = new_app()
    picker = at.selectbox(key="w.sample")
    assert {o.split(" — ")[0] for o in picker.options} == names
    assert "_ko" in picker.options[0] and "(CP949)" in [o for o in picker.options if "cp949" in o][0]
    target = "utterances_ko_cp949.csv" if "utterances_ko_cp949.csv" in names else names[0]
    at.selectbox(key="w.sample").set_value(target).run()
    at.button(key="b.sample").click().run()
    no_crash(at)
    assert at.session_state["upload"].name == target
    assert len(at.session_state["table"].df) > 0 and at.dataframe


@pytest.mark.parametrize(
    "name", ["meeting_ko.txt", "utterances_ko.xlsx", "utterances_ko_cp949.csv", "meeting_en.txt", "meeting_ko_zoom.vtt"]
)
def test_every_sample_loads_cleanly(name):
    if not (SAMPLES / name).exists():
        pytest.fail(f"sample_data/{name} is missing")
    at = new_app()
    at.selectbox(key="w.sample").set_value(name).run()
    at.button(key="b.sample").click().run()
    no_crash(at)
    assert not at.error
    table = at.session_state["table"]
    assert table is not None and len(table.df) > 0
    assert at.session_state["text_column"] in table.df.columns
