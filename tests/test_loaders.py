"""Loading tables and transcripts: delimiters, quoting, sheets, encodings, column guesses."""
import pytest

from core.errors import InputError
from core.loaders import list_sheets, load_bytes, load_path
from tests.hostile_files import good_xlsx

ROWS = "번호,화자,발화\r\n1,김민수,\"음, 그러니까 \"\"정말\"\"\n두 줄이에요\"\r\n2,이지은,네 좋아요\r\n"


def rows(sep):
    return ROWS.replace("음, ", "음@ ").replace(",", sep).replace("음@ ", "음, ")


@pytest.mark.parametrize("name, data, delimiter_kind", [
    ("a.csv", ROWS.encode("cp949"), "csv"),
    ("a.csv", ROWS.encode("utf-8-sig"), "csv"),
    ("a.tsv", rows("\t").encode("utf-16"), "tsv"),
    ("a.csv", rows(";").encode("utf-8"), "csv"),
    ("a.txt.csv", rows("|").encode("utf-8"), "csv"),
    ("a.dat", ROWS.encode("utf-8"), "csv"),
])
def test_delimited_text_keeps_quotes_commas_and_newlines(name, data, delimiter_kind):
    table = load_bytes(name, data)
    assert table.kind == delimiter_kind and list(table.df.columns) == ["번호", "화자", "발화"]
    assert table.df["발화"].tolist() == ["음, 그러니까 \"정말\"\n두 줄이에요", "네 좋아요"]
    assert (table.text_column, table.speaker_column) == ("발화", "화자")


def test_workbook_sheets_are_offered_and_chosen_by_name():
    import openpyxl, io
    wb = openpyxl.Workbook()
    wb.active.title = "메모"
    wb.active.append(["메모"])
    wb.active.append(["읽지 마세요"])
    ws = wb.create_sheet("발화목록")
    for row in (["번호", "화자", "발화"], [1, "김", "안녕하세요"], [2.5, "이", "네"]):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    assert list_sheets("b.xlsx", data) == ["메모", "발화목록"]
    table = load_bytes("b.xlsx", data, sheet="발화목록")
    assert table.kind == "xlsx" and table.sheet == "발화목록" and table.sheets == ["메모", "발화목록"]
    assert table.df.values.tolist() == [["1", "김", "안녕하세요"], ["2.5", "이", "네"]]
    assert load_bytes("b.xlsx", data).sheet == "메모"
    with pytest.raises(InputError) as err:
        load_bytes("b.xlsx", data, sheet="없는 시트")
    assert "메모, 발화목록" in err.value.message


def test_mislabelled_files_are_read_by_content():
    xlsx = good_xlsx([["화자", "발화"], ["김", "안녕"]])
    assert load_bytes("really_a_workbook.csv", xlsx).kind == "xlsx"
    assert load_bytes("really_text.xlsx", "화자,발화\n김,안녕\n".encode()).kind == "csv"


@pytest.mark.parametrize("text, speakers, texts, starts", [
    ("김민수: 안녕하세요\n이지은: 반갑습니다\n", ["김민수", "이지은"], ["안녕하세요", "반갑습니다"], ["", ""]),
    ("김：첫 말\n이어서 하는 말\n이：둘째 말", ["김", "이"], ["첫 말 이어서 하는 말", "둘째 말"], ["", ""]),
    ("[00:01:02] 김: 시간\n[01:05] 이: 또\n", ["김", "이"], ["시간", "또"], ["62.0", "65.0"]),
    ("Speaker 1: hi there\nSpeaker 2: hello\nSpeaker 1: bye", ["Speaker 1", "Speaker 2", "Speaker 1"],
     ["hi there", "hello", "bye"], ["", "", ""]),
    ("첫 문단 첫 줄\n첫 문단 둘째 줄\n\n둘째 문단", ["", ""], ["첫 문단 첫 줄 첫 문단 둘째 줄", "둘째 문단"], ["", ""]),
    ("한 줄\n또 한 줄", ["", ""], ["한 줄", "또 한 줄"], ["", ""]),
    ("See http://example.com: it works\nThe meeting is at 10:30: be on time\nPlain prose here.",
     ["", "", ""], ["See http://example.com: it works", "The meeting is at 10:30: be on time", "Plain prose here."],
     ["", "", ""]),
])
def test_text_transcripts(text, speakers, texts, starts):
    table = load_bytes("t.txt", text.encode())
    assert list(table.df.columns) == ["start", "end", "speaker", "text"] and table.kind == "transcript"
    assert table.df["speaker"].tolist() == speakers and table.df["text"].tolist() == texts
    assert table.df["start"].tolist() == starts and table.text_column == "text"


def test_guesses_the_longest_text_column_when_names_do_not_say():
    table = load_bytes("g.csv", "id,who,words\n1,a,this is the long utterance\n2,b,another long one here\n".encode())
    assert table.text_column == "words"


def test_duplicate_and_blank_headers_are_made_unique():
    table = load_bytes("h.csv", b"a,a,,b\n1,2,3,4\n")
    assert list(table.df.columns) == ["a", "a_2", "column_3", "b"]


def test_samples_load(tmp_path):
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "sample_data"
    csv = load_path(root / "utterances_ko_cp949.csv")
    xlsx = load_path(root / "utterances_ko.xlsx", sheet="발화목록")
    assert csv.encoding == "cp949" and len(csv.df) == len(xlsx.df) == 50
    assert csv.df["발화"].tolist() == xlsx.df["발화"].tolist()
    meeting = load_path(root / "meeting_ko.txt")
    assert meeting.speaker_column == "speaker" and len(meeting.df) >= 30
    assert load_path(root / "meeting_en.txt").df["speaker"].iloc[0] == "Dana"


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        load_path(tmp_path / "nope.csv")
