"""Every transcript format we read, from a fixture file in its real shape, to the utterances we expect."""

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.errors import InputError
from core.formats import COLUMNS, KINDS, parse_transcript
from core.loaders import load_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
Row = tuple[str, str, str, str]


@dataclass
class Case:
    file: str
    kind: str
    count: int
    first: Row
    last: Row
    more: dict[int, Row] = field(default_factory=dict)


CASES = [
    Case(
        "zoom.vtt",
        "vtt-zoom",
        5,
        ("1.02", "4.51", "김민수", "안녕하세요, 오늘 회의를 시작하겠습니다."),
        ("62.0", "65.25", "Park Jun-ho", "Sorry, I'm late & my mic was off."),
        {
            1: ("4.8", "9.12", "이지은", "네, 먼저 지난주 실적부터 공유드릴게요."),  # a cue on two lines
            2: ("9.5", "11.0", "", "(웃음) 잠시만요."),
        },
    ),  # Zoom leaves some cues without a speaker
    Case(
        "teams.vtt",
        "vtt-teams",
        3,  # BOM, CRLF, GUID/n-n ids: parts 18-0 and 18-1 are one turn
        ("3.52", "9.88", "김민수", "그럼 예산 항목부터 보겠습니다. 인건비가 지난 분기보다 늘었습니다."),
        ("14.5", "16.0", "김민수", "약 12%입니다."),
        {1: ("10.2", "14.01", "Lee, Ji-eun", "확인했습니다. 증가 폭이 어느 정도인가요?")},
    ),
    Case(
        "teams_old.vtt",
        "vtt-teams",
        3,  # NOTE blocks (one glued to its cue), unpadded 0:0:5.320 times
        ("0.0", "5.32", "박준호", "다들 들어오셨나요?"),
        ("62.75", "64.1", "박준호", "그럼 시작하죠."),
        {1: ("5.32", "9.5", "최수연", "네, 다 들어왔습니다.")},
    ),
    Case(
        "youtube_auto_ko.vtt",
        "vtt-youtube",
        4,  # no punctuation: each rolling line once
        ("0.16", "2.83", "", "안녕하세요 여러분 오늘은 파이썬"),
        ("7.96", "9.0", "", "[음악]"),
        {1: ("2.84", "5.19", "", "기초를 같이 배워 보겠습니다")},
    ),
    Case(
        "youtube_auto_en.vtt",
        "vtt-youtube",
        4,  # punctuated: sentences timed from the word tags
        ("0.0", "0.9", "", "hi everyone."),
        ("4.41", "6.0", "", "Let's begin."),
        {1: ("0.9", "3.5", "", "Today we look at tom & jerry."), 2: ("3.5", "4.4", "", "It's fun!")},
    ),
    Case(
        "whisper.vtt",
        "vtt",
        4,  # no hours under one hour
        ("0.0", "3.24", "", "안녕하세요. 오늘은 날씨가 정말 좋네요."),
        ("59.9", "62.5", "", "한 시간 안쪽의 파일에는 시간이 없습니다."),
    ),
    Case(
        "whisper.srt",
        "srt",
        4,
        ("0.0", "3.24", "", "안녕하세요. 오늘은 날씨가 정말 좋네요."),
        ("3723.004", "3725.0", "", "마지막 문장입니다."),
    ),
    Case(
        "quirky.srt",
        "srt",
        4,  # BOM, CRLF, "." for ",", <i>, <font>, {\an8}, two-line cue
        ("1.0", "3.5", "", "화자 없는 자막, 두 줄로 나뉜 문장입니다."),
        ("9.0", "10.0", "", "끝."),
        {1: ("4.0", "6.25", "", "굵은 글씨와 노란 글씨"), 2: ("6.5", "8.0", "", "Mixed spacing here")},
    ),
    Case(
        "daglo_speakers.srt",
        "srt",
        3,
        ("0.5", "2.0", "화자 1", "회의 시작하겠습니다."),
        ("4.2", "6.9", "화자 1", "첫 번째 안건은 예산입니다."),
    ),
    Case(
        "whisper.tsv",
        "whisper-tsv",
        4,
        ("0.0", "3.24", "", "안녕하세요. 오늘은 날씨가 정말 좋네요."),
        ("3723.004", "3725.0", "", "마지막 문장입니다."),
    ),
    Case(
        "whisper_console.txt",
        "whisper-txt",
        4,
        ("0.0", "3.24", "", "안녕하세요. 오늘은 날씨가 정말 좋네요."),
        ("3723.004", "3725.0", "", "마지막 문장입니다."),
    ),
    Case(
        "whisper.json",
        "whisper-json",
        3,  # Korean written as \u escapes
        ("0.0", "3.24", "", "안녕하세요. 오늘은 날씨가 정말 좋네요."),
        ("7.88", "12.5", "", "점심은 김밥으로 하고요."),
    ),
    Case(
        "whisperx.json",
        "whisperx-json",
        4,
        ("0.031", "2.5", "SPEAKER_00", "안녕하세요, 김민수입니다."),
        ("6.5", "9.125", "SPEAKER_00", "그럼 시작해 볼까요?"),
        {1: ("2.9", "4.75", "SPEAKER_01", "네, 반갑습니다."), 2: ("5.0", "6.2", "", "(잡음)")},
    ),
    Case(
        "whisper_cpp.json",
        "whisper-cpp-json",
        3,  # --diarize speakers, "?" unknown, tinydiarize mark dropped
        ("0.0", "3.24", "0", "안녕하세요. 오늘은 날씨가 정말 좋네요."),
        ("7.88", "12.5", "", "점심은 김밥으로 하고요."),
        {1: ("3.24", "7.88", "1", "그래서 우리는 공원에 가기로 했습니다.")},
    ),
    Case(
        "otter.txt",
        "otter",
        4,
        ("0.0", "", "Kim Minsu", "Good morning, everyone. Let's go over the launch plan first, and then the budget."),
        ("3723.0", "", "Kim Minsu", "Great, thanks everyone."),  # the otter.ai footer is gone
        {
            1: (
                "12.0",
                "",
                "Lee Jieun",
                "Sure. The beta went out on Monday and we have about two hundred sign-ups "
                "so far. That is ahead of plan.",
            )
        },
    ),
    Case(
        "rev.txt",
        "rev",
        4,
        ("1.0", "", "Speaker 1", "Welcome to the show. Today we are talking about remote work."),
        ("3723.0", "", "Speaker 1", "Let's wrap up there."),
        {2: ("51.0", "", "Speaker 2", "And to be honest, the first month was hard.")},
    ),  # bare "(00:51):"
    Case(
        "google_meet.txt",
        "google-meet",
        5,
        ("", "", "김민수", "안녕하세요, 다들 들리시나요?"),
        ("", "", "이지은", "좋네요. 문서도 같이 업데이트할게요."),
        {
            2: ("", "", "김민수", "그럼 지난주 액션 아이템부터 볼게요. 첫 번째는 배포 일정입니다."),
            3: ("300.0", "", "Park Junho", "The release is on track for Friday."),
        },
    ),  # after the 00:05:00 marker
    Case(
        "clova_note.txt",
        "clova-note",
        3,  # BOM, CRLF, NFD Hangul, date header, clovanote URL
        ("0.0", "", "참석자 1", "안녕하세요. 오늘은 신규 서비스 기획안을 검토하겠습니다."),
        ("3723.0", "", "참석자 1", "좋습니다. 다음 주까지 정리해 주세요."),
        {1: ("15.0", "", "참석자 2", "네, 자료는 미리 공유드렸습니다. 두 번째 장부터 보시면 됩니다.")},
    ),
    Case(
        "dialogsum.txt",
        "dialogsum",
        4,
        ("", "", "Person1", "Hi, Mr. Smith. I'm Doctor Hawkins. Why are you here today?"),
        (
            "",
            "",
            "Person2",
            "I know. I figure as long as there is nothing wrong, why go see the doctor? My number is #PhoneNumber#.",
        ),
        {2: ("", "", "Person1", "Yes, well, you haven't had one for 5 years. You should have one every year.")},
    ),
    Case(
        "samsum.txt",
        "speaker-lines",
        3,  # CRLF
        ("", "", "Amanda", "I baked cookies. Do you want some?"),
        ("", "", "Amanda", "I'll bring you tomorrow :-)"),
    ),
    Case(
        "speaker_lines_ko.txt",
        "speaker-lines",
        5,
        ("", "", "김민수", "안녕하세요, 오늘 회의 안건은 두 가지입니다."),
        ("", "", "이지은", "좋습니다."),
        {2: ("", "", "김민수", "첫째는 예산이고, 둘째는 일정입니다.")},
    ),
    Case(
        "timed_lines.txt",
        "timed-speaker-lines",
        4,
        ("1.0", "", "김민수", "안녕하세요, 시작하겠습니다."),
        ("3723.5", "", "이지은", "마무리하겠습니다."),
        {2: ("62.0", "", "김민수", "그럼 첫 안건부터 보겠습니다.")},
    ),
    Case(
        "zoom_txt.txt",
        "zoom-txt",
        3,  # Zoom's text transcript: "[Name] time of day", then what was said (two lines one turn)
        ("36005.0", "", "김민수", "안녕하세요, 회의 시작하겠습니다."),
        ("36063.0", "", "김민수", "그러죠."),
        {1: ("36012.0", "", "이지은", "네, 좋습니다. 지난주 실적부터 볼까요?")},
    ),
]


def raw_text(file: str) -> str:
    """The fixture as written: a BOM, CRLF or NFD kept, to prove parse_transcript copes with them."""
    return (FIXTURES / file).read_bytes().decode("utf-8")


def rows(df) -> list[Row]:
    return [tuple(row) for row in df.itertuples(index=False)]


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_fixture_parses_to_the_expected_utterances(case):
    kind, df = parse_transcript(case.file, raw_text(case.file))
    assert kind == case.kind
    assert list(df.columns) == COLUMNS
    assert all(isinstance(v, str) for column in COLUMNS for v in df[column])
    got = rows(df)
    assert len(got) == case.count
    assert got[0] == case.first
    assert got[-1] == case.last
    for index, expected in case.more.items():
        assert got[index] == expected


def test_every_kind_has_a_fixture():
    assert {c.kind for c in CASES} == set(KINDS)


def test_every_fixture_is_in_the_table():
    listed = {c.file for c in CASES} | {"whisper_plain.txt"}
    assert {p.name for p in FIXTURES.iterdir()} == listed


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_content_decides_not_the_extension(case):
    kind, df = parse_transcript("renamed.txt", raw_text(case.file))
    assert kind == case.kind and len(df) == case.count


def test_quirky_fixtures_really_carry_their_quirks():
    assert raw_text("teams.vtt").startswith("\ufeff") and "\r\n" in raw_text("teams.vtt")
    assert raw_text("quirky.srt").startswith("\ufeff") and "\r\n" in raw_text("quirky.srt")
    clova = raw_text("clova_note.txt")
    assert clova.startswith("\ufeff") and unicodedata.normalize("NFC", clova) != clova
    assert "\\uc548" in raw_text("whisper.json")


def test_nfd_names_come_out_composed():
    _, df = parse_transcript("clova_note.txt", raw_text("clova_note.txt"))
    assert all(unicodedata.is_normalized("NFC", v) for column in COLUMNS for v in df[column])


def test_plain_whisper_txt_is_left_to_the_loader():
    # Whisper's .txt is one segment per line with nothing to recognise it by: the loader reads it as lines.
    assert parse_transcript("whisper.txt", raw_text("whisper_plain.txt")) is None
    table = load_bytes("whisper.txt", (FIXTURES / "whisper_plain.txt").read_bytes())
    assert list(table.df["text"]) == raw_text("whisper_plain.txt").strip().split("\n")


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_the_loader_opens_each_fixture_as_the_same_utterances(case):
    table = load_bytes(case.file, (FIXTURES / case.file).read_bytes())
    assert table.kind == case.kind
    assert rows(table.df)[0] == case.first and len(table.df) == case.count


@pytest.mark.parametrize("encoding", ["utf-16", "cp949", "utf-8-sig"])
def test_the_loader_decodes_korean_encodings_before_parsing(encoding):
    data = raw_text("speaker_lines_ko.txt").encode(encoding)
    table = load_bytes("minutes.txt", data)
    assert table.kind == "speaker-lines"
    assert rows(table.df)[2] == ("", "", "김민수", "첫째는 예산이고, 둘째는 일정입니다.")


def test_damaged_vtt_is_refused_with_the_file_name():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n안녕\n\n00:00:03.000 --> 00:61:04.000\n깨진 시간\n"
    with pytest.raises(InputError) as caught:
        parse_transcript("broken.vtt", text)
    assert caught.value.code == "input.subtitle" and "broken.vtt" in caught.value.message


def test_vtt_without_cues_is_refused_as_empty():
    with pytest.raises(InputError) as caught:
        parse_transcript("empty.vtt", "WEBVTT\n\nNOTE nothing was said\n")
    assert caught.value.code == "input.empty" and "empty.vtt" in caught.value.message


def test_whisper_json_of_silence_is_refused_as_empty():
    with pytest.raises(InputError) as caught:
        parse_transcript("silence.json", '{"text": "", "segments": [], "language": "ko"}')
    assert caught.value.code == "input.empty"


def test_teams_parts_of_different_turns_stay_apart():
    text = (
        "WEBVTT\n\nabc/1-0\n00:00:00.000 --> 00:00:01.000\n<v A>one</v>\n\n"
        "abc/2-0\n00:00:01.000 --> 00:00:02.000\n<v A>two</v>\n\n"
        "abc/2-1\n00:00:02.000 --> 00:00:03.000\n<v A>three</v>\n"
    )
    _, df = parse_transcript("t.vtt", text)
    assert rows(df) == [("0.0", "1.0", "A", "one"), ("1.0", "3.0", "A", "two three")]


def test_vtt_cue_settings_and_entities_do_not_leak_into_text():
    text = "WEBVTT\n\n00:01.000 --> 00:02.500 align:start position:10%\n&lt;b&gt; means bold&nbsp;&amp; more\n"
    _, df = parse_transcript("s.vtt", text)
    assert rows(df) == [("1.0", "2.5", "", "<b> means bold & more")]


def test_srt_without_cue_numbers_still_reads():
    text = "00:00:01,000 --> 00:00:02,000\n첫 줄\n\n00:00:03,000 --> 00:00:04,500\n둘째 줄\n"
    kind, df = parse_transcript("n.srt", text)
    assert kind == "srt" and rows(df) == [("1.0", "2.0", "", "첫 줄"), ("3.0", "4.5", "", "둘째 줄")]


def test_clova_note_with_renamed_speakers_is_known_by_its_dated_header():
    text = "주간 회의\n2024.03.15 금 오후 2:03 ・ 5분\n\n김민수 00:00\n안녕하세요.\n\n이지은 00:15\n네.\n"
    kind, df = parse_transcript("note.txt", text)
    assert kind == "clova-note" and rows(df) == [("0.0", "", "김민수", "안녕하세요."), ("15.0", "", "이지은", "네.")]


def test_name_and_time_blocks_without_marks_are_read_as_blocks():
    text = "김민수 00:00\n안녕하세요.\n\n이지은 00:15\n네.\n\n김민수 1:00:20\n좋아요.\n"
    kind, df = parse_transcript("blocks.txt", text)
    assert kind == "otter" and rows(df)[-1] == ("3620.0", "", "김민수", "좋아요.")
