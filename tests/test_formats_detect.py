"""What is not a transcript format stays None (the loader handles it), and no input makes the parser crash."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputError
from core.formats import COLUMNS, KINDS, parse_transcript

NOT_TRANSCRIPTS = {
    "prose_ko": "오늘은 날씨가 맑았다. 우리는 공원에 가서 산책을 했고, 점심으로 김밥을 먹었다.\n"
    "오후에는 도서관에 들러 책을 두 권 빌렸다. 저녁에는 친구와 통화를 했다.\n",
    "prose_en": "The meeting was productive. Here is the plan: ship on Friday, then review.\n\n"
    "Note that the budget is tight. We will revisit it next quarter.\n",
    "csv": "speaker,text\n김민수,회의: 시작합니다\n이지은,네: 좋아요\n김민수,안건: 예산\n",
    "csv_with_times": "start,end,speaker,text\n0.0,2.5,김민수,안녕하세요\n2.5,4.0,이지은,네\n",
    "tsv_not_whisper": "speaker\ttext\n김민수\t안녕하세요\n이지은\t네\n",
    "json_config": json.dumps({"name": "studio", "segments": "not a list", "version": 2}),
    "json_list": json.dumps([{"start": 0, "end": 1, "text": "hi"}]),
    "json_segments_of_other_things": json.dumps({"segments": [{"id": 1, "label": "intro"}]}),
    "json_transcription_of_strings": json.dumps({"transcription": ["a", "b"]}),
    "json_broken": '{"segments": [{"start": 0, "end": 1, "text": "cut sho',
    "email_headers": "From: kim@example.com\nTo: lee@example.com\nSubject: 회의록\nDate: 2024-03-15\n\n본문입니다.\n",
    "key_values": "name: studio\nversion: 1.2\nlicense: MIT\nauthor: kim\n",
    "agenda_without_speakers": "09:00 개회사\n10:30 기조 연설\n12:00 점심\n13:30 패널 토론\n",
    "urls": "http://example.com/a\nhttps://example.com/b\nhttps://example.com/c\n",
    "markdown": "# 회의록\n\n- 참석: 김민수, 이지은\n- 안건: 예산\n\n## 결정 사항\n\n예산을 확정했다.\n",
    "single_colon_line": "참고: 이 문서는 초안입니다.\n",
    "one_dialogue_line": "김민수: 안녕하세요\n",
    "code": "def f(x):\n    return x\n\nclass A:\n    pass\n",
    "blank": "   \n\n\t\n",
    "empty": "",
    "arrow_in_prose": "We moved from A --> B last year, and B --> C this year.\n",
    "time_words": "회의는 10:30에 시작해서 12:00에 끝났다.\n점심은 12:30에 먹었다.\n",
}


@pytest.mark.parametrize("text", NOT_TRANSCRIPTS.values(), ids=NOT_TRANSCRIPTS.keys())
def test_what_is_not_a_transcript_returns_none(text):
    assert parse_transcript("notes.txt", text) is None


@pytest.mark.parametrize("name", ["notes.vtt", "notes.srt", "notes.json", "notes.tsv"])
def test_an_extension_alone_does_not_make_a_format(name):
    assert parse_transcript(name, NOT_TRANSCRIPTS["prose_ko"]) is None


def test_the_kind_is_named_by_content():
    assert parse_transcript("a.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v 김민수>안녕</v>\n")[0] == "vtt-teams"
    assert parse_transcript("a.srt", "1\n00:00:01,000 --> 00:00:02,000\n안녕\n")[0] == "srt"


def well_formed(result) -> bool:
    if result is None:
        return True
    kind, df = result
    return (
        kind in KINDS
        and list(df.columns) == COLUMNS
        and len(df) > 0
        and all(isinstance(v, str) for column in COLUMNS for v in df[column])
        and all(v == "" or float(v) >= 0 for column in ("start", "end") for v in df[column])
        and df["text"].str.len().min() > 0
    )


def check(text: str) -> None:
    try:
        result = parse_transcript("upload.txt", text)
    except InputError:
        return
    assert well_formed(result)


PIECES = st.sampled_from(
    [
        "WEBVTT\n",
        "\n\n",
        "\n",
        "00:00:01.000 --> 00:00:02.000",
        "0:0:5.320 --> 0:0:9.5",
        "00:01.000 --> 00:61.000",
        " --> ",
        "<v 김민수>",
        "</v>",
        "<c>",
        "<00:00:01.500>",
        "NOTE ",
        "1\n",
        "00:00:01,000 --> 00:00:02,000\n",
        "김민수: ",
        "Speaker 1 (00:01):",
        "(00:51):",
        "참석자 1 00:00",
        "Kim  0:05",
        "Attendees\n",
        "00:05:00\n",
        "#Person1#: ",
        "[00:01:02] ",
        "start\tend\ttext\n",
        "12\t34\t",
        '{"segments": [',
        '{"start": 1e400, "end": -1, ',
        '"text": "\\ud800"',
        "}]}",
        '{"transcription": [{"offsets": {"from": true}, "text": 3}]}',
        "&amp;",
        "&#0;",
        "clovanote.naver.com",
        "Transcribed by https://otter.ai",
        "\ufeff",
        "\r\n",
        "안녕하세요",
        "text",
        " ",
        ":",
        "\t",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_is_none_or_a_well_formed_table(text):
    check(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join))
def test_near_miss_transcripts_are_none_a_table_or_an_input_error(text):
    check(text)
