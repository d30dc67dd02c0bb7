"""Loading tables and transcripts: delimiters, quoting, sheets, encodings, column guesses."""

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from core.errors import InputError
from core.loaders import SUPPORTED_EXTENSIONS, load_bytes, load_path, text
from tests.hostile_files import formulas_xlsx, good_xlsx

ROWS = '번호,화자,발화\r\n1,김민수,"음, 그러니까 ""정말""\n두 줄이에요"\r\n2,이지은,네 좋아요\r\n'
SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
TABLE_KINDS = ("csv", "tsv", "xlsx")


def rows(sep):
    return ROWS.replace("음, ", "음@ ").replace(",", sep).replace("음@ ", "음, ")


@pytest.mark.parametrize(
    "name, data, kind, encoding",
    [
        ("a.csv", ROWS.encode("cp949"), "csv", "cp949"),
        ("a.csv", ROWS.encode("utf-8-sig"), "csv", "utf-8-sig"),
        ("a.tsv", rows("\t").encode("utf-16"), "tsv", "utf-16"),
        ("a.csv", rows(";").encode("utf-8"), "csv", "utf-8"),
        ("a.txt.csv", rows("|").encode("utf-8"), "csv", "utf-8"),
        ("a.dat", ROWS.encode("utf-8"), "csv", "utf-8"),
        ("a.tsv", ROWS.encode("utf-8"), "csv", "utf-8"),  # the extension is a hint: the commas win
        ("excel_unicode_text.txt", rows("\t").encode("utf-16"), "tsv", "utf-16"),  # Excel's "유니코드 텍스트"
    ],
)
def test_delimited_text_keeps_quotes_commas_and_newlines(name, data, kind, encoding):
    table = load_bytes(name, data)
    assert (table.kind, table.encoding) == (kind, encoding) and list(table.df.columns) == ["번호", "화자", "발화"]
    assert table.df["발화"].tolist() == ['음, 그러니까 "정말"\n두 줄이에요', "네 좋아요"]
    assert (table.text_column, table.speaker_column) == ("발화", "화자")
    assert (table.sheets, table.sheet) == ([], None) and list(table.df.index) == [0, 1]


def test_every_column_is_text_with_missing_cells_empty():
    table = load_bytes("m.csv", "이름,나이,메모\n김,31,\n이,,늦음\n".encode())
    assert table.df.values.tolist() == [["김", "31", ""], ["이", "", "늦음"]]
    assert all(isinstance(v, str) for v in table.df.to_numpy().ravel())


def workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "메모"
    wb.active.append(["메모"])
    wb.active.append(["읽지 마세요"])
    ws = wb.create_sheet("발화목록")
    for row in (["번호", "화자", "발화"], [1, "김", "안녕하세요"], [2.5, "이", "네"]):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_workbook_sheets_are_offered_and_chosen_by_name():
    data = workbook()
    table = load_bytes("b.xlsx", data, sheet="발화목록")
    assert table.kind == "xlsx" and table.sheet == "발화목록" and table.sheets == ["메모", "발화목록"]
    assert table.encoding is None and table.df.values.tolist() == [["1", "김", "안녕하세요"], ["2.5", "이", "네"]]
    assert load_bytes("b.xlsx", data).sheet == "메모"
    with pytest.raises(InputError) as err:
        load_bytes("b.xlsx", data, sheet="없는 시트")
    assert "없는 시트" in err.value.message and "메모, 발화목록" in err.value.message


def test_a_text_file_has_no_sheets():
    table = load_bytes("a.csv", ROWS.encode())
    assert table.sheets == [] and table.sheet is None


def test_cells_read_as_excel_shows_them():
    data = good_xlsx(
        [
            ["값", "발화"],
            [0.1 + 0.2, "a"],
            [True, "b"],
            [dt.datetime(2024, 5, 3), "c"],
            [dt.datetime(2024, 5, 3, 14, 30), "d"],
            [dt.time(9, 5), "e"],
            [1234567890123, "f"],
            [-2.5, "g"],
        ]
    )
    assert load_bytes("x.xlsx", data).df["값"].tolist() == [
        "0.3",
        "TRUE",
        "2024-05-03",
        "2024-05-03 14:30:00",
        "09:05:00",
        "1234567890123",
        "-2.5",
    ]


def test_formulas_are_read_as_their_cached_values_never_evaluated():
    table = load_bytes("f.xlsx", formulas_xlsx())
    assert table.df.to_dict("list") == {"합계": ["2", "20"], "label": ["ab", ""]}  # #DIV/0! reads as empty


def test_merged_cells_keep_their_value_in_the_top_left_cell():
    table = load_bytes("m.xlsx", good_xlsx([["화자", "발화"], ["김", "안녕"], ["", "네"]], merge="A2:A3"))
    assert table.df.to_dict("list") == {"화자": ["김", ""], "발화": ["안녕", "네"]}


def test_mislabelled_files_are_read_by_content():
    xlsx = good_xlsx([["화자", "발화"], ["김", "안녕"]])
    assert load_bytes("really_a_workbook.csv", xlsx).kind == "xlsx"
    assert load_bytes("no_extension", xlsx).kind == "xlsx"
    assert load_bytes("really_text.xlsx", "화자,발화\n김,안녕\n".encode()).kind == "csv"


@pytest.mark.parametrize(
    "body, speakers, texts, starts, ends",
    [
        (
            "김민수: 안녕하세요\n이지은: 반갑습니다\n",
            ["김민수", "이지은"],
            ["안녕하세요", "반갑습니다"],
            ["", ""],
            ["", ""],
        ),
        (
            "김：첫 말\n이어서 하는 말\n이：둘째 말",
            ["김", "이"],
            ["첫 말 이어서 하는 말", "둘째 말"],
            ["", ""],
            ["", ""],
        ),
        ("[00:01:02] 김: 시간\n(01:05) 이: 또\n", ["김", "이"], ["시간", "또"], ["62.0", "65.0"], ["", ""]),
        ("[00:01 - 00:05.5] 김: 구간\n[00:06] 이: 끝", ["김", "이"], ["구간", "끝"], ["1.0", "6.0"], ["5.5", ""]),
        (
            "Speaker 1: hi there\nSpeaker 2: hello\nSpeaker 1: bye",
            ["Speaker 1", "Speaker 2", "Speaker 1"],
            ["hi there", "hello", "bye"],
            ["", "", ""],
            ["", "", ""],
        ),
        (
            "김: 안녕\n이: 네\nNote: 10:30\n김: 끝",
            ["김", "이", "김"],
            ["안녕", "네 Note: 10:30", "끝"],
            [""] * 3,
            [""] * 3,
        ),
        (
            "첫 문단 첫 줄\n첫 문단 둘째 줄\n\n둘째 문단",
            ["", ""],
            ["첫 문단 첫 줄 첫 문단 둘째 줄", "둘째 문단"],
            ["", ""],
            ["", ""],
        ),
        ("한 줄\n또 한 줄", ["", ""], ["한 줄", "또 한 줄"], ["", ""], ["", ""]),
        (
            "See http://example.com: it works\nhttp://x.org: docs\nPlain prose here.",
            ["", "", ""],
            ["See http://example.com: it works", "http://x.org: docs", "Plain prose here."],
            [""] * 3,
            [""] * 3,
        ),
        (
            "- 결정: 배포 연기\n- 담당: 김\n본문",
            ["", "", ""],
            ["- 결정: 배포 연기", "- 담당: 김", "본문"],
            [""] * 3,
            [""] * 3,
        ),
    ],
)
def test_plain_text_transcripts(body, speakers, texts, starts, ends):
    df = text.parse(body)
    assert list(df.columns) == ["start", "end", "speaker", "text"]
    assert df.to_dict("list") == {"start": starts, "end": ends, "speaker": speakers, "text": texts}


@pytest.mark.parametrize("body", ["김민수: 안녕하세요\n이지은: 반갑습니다\n김민수: 네\n", "한 줄\n또 한 줄"])
def test_txt_files_load_as_utterances(body):
    table = load_bytes("t.txt", body.encode())
    # A transcript format from core.formats may claim the text first; either way it is utterances, not a table.
    assert table.kind not in TABLE_KINDS and list(table.df.columns) == ["start", "end", "speaker", "text"]
    assert table.text_column == "text" and table.speaker_column == ("speaker" if ":" in body else None)


def test_unknown_extension_with_text_is_read_as_text():
    table = load_bytes("notes.log", "그냥 메모입니다\n두 번째 줄".encode())
    assert table.df["text"].tolist() == ["그냥 메모입니다", "두 번째 줄"]


def test_guesses_the_longest_text_column_when_names_do_not_say():
    table = load_bytes("g.csv", b"id,who,words\n1,a,this is the long utterance\n2,b,another long one here\n")
    assert table.text_column == "words"


@pytest.mark.parametrize(
    "header, text_column, speaker_column",
    [
        ("번호,화자,발화", "발화", "화자"),
        ("no,speaker,utterance", "utterance", "speaker"),
        ("순번,이름,내용", "내용", "이름"),
        ("id,name,text", "text", "name"),
        ("참석자,대사", "대사", "참석자"),
    ],
)
def test_column_guesses_from_korean_and_english_names(header, text_column, speaker_column):
    body = header + "\n" + ",".join(["1", "김민수", "네 그렇게 하겠습니다 감사합니다"][-header.count(",") - 1 :]) + "\n"
    table = load_bytes("c.csv", body.encode())
    assert (table.text_column, table.speaker_column) == (text_column, speaker_column)


def test_duplicate_and_blank_headers_are_made_unique():
    table = load_bytes("h.csv", b" a ,a,,b\n1,2,3,4\n")
    assert list(table.df.columns) == ["a", "a_2", "column_3", "b"]


@pytest.mark.parametrize(
    "name, data", [("e.csv", b"a,b\n1,2\n,\n \n3,4\n,\n\n"), ("e.tsv", b"a\tb\n1\t2\n\t\n\n3\t4\n\n")]
)
def test_blank_rows_inside_are_kept_as_empty_rows_and_trailing_ones_dropped(name, data):
    table = load_bytes(name, data)  # row numbers match the spreadsheet's; a blank row is skipped when run
    assert table.df.values.tolist() == [["1", "2"], ["", ""], ["", ""], ["3", "4"]]


def test_supported_extensions_cover_the_basic_kinds():
    assert {"txt", "csv", "tsv", "xlsx"} <= set(SUPPORTED_EXTENSIONS)


def test_samples_load():
    csv = load_path(SAMPLES / "utterances_ko_cp949.csv")
    xlsx = load_path(SAMPLES / "utterances_ko.xlsx", sheet="발화목록")
    assert csv.encoding == "cp949" and len(csv.df) == len(xlsx.df) == 50
    assert csv.df["발화"].tolist() == xlsx.df["발화"].tolist()
    assert xlsx.sheets == ["발화목록", "메모"] and len(load_path(SAMPLES / "utterances_ko.xlsx", sheet="메모").df) >= 2
    assert b"\r\n" in (SAMPLES / "utterances_ko_cp949.csv").read_bytes()
    meeting = load_path(SAMPLES / "meeting_ko.txt")
    assert meeting.speaker_column == "speaker" and len(meeting.df) >= 30
    assert load_path(SAMPLES / "meeting_en.txt").df["speaker"].iloc[0] == "Dana"


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as err:
        load_path(tmp_path / "nope.csv")
    assert "nope.csv" in err.value.message
