"""Cleaned subtitles: original timings, the task's text; parse -> export -> parse keeps times, speakers and text."""

import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ConfigError
from core.exports.subtitles import has_timings, to_srt, to_vtt
from core.formats import parse_transcript

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
TIMED = [
    "zoom.vtt",
    "teams.vtt",
    "teams_old.vtt",
    "youtube_auto_ko.vtt",
    "youtube_auto_en.vtt",
    "whisper.vtt",
    "whisper.srt",
    "quirky.srt",
    "daglo_speakers.srt",
    "whisper.tsv",
    "whisper_console.txt",
    "whisper.json",
    "whisperx.json",
    "whisper_cpp.json",
]


def parsed(file: str) -> pd.DataFrame:
    return parse_transcript(file, (FIXTURES / file).read_bytes().decode("utf-8"))[1]


def triples(df: pd.DataFrame, text: str = "text") -> list[tuple[str, str, str]]:
    return list(zip(df["start"], df["end"], df[text]))


@pytest.mark.parametrize("file", TIMED)
def test_srt_round_trip_keeps_times_and_text(file):
    df = parsed(file)
    kind, again = parse_transcript("cleaned.srt", to_srt(df, "text"))
    assert kind == "srt"
    assert triples(again) == triples(df)


@pytest.mark.parametrize("file", TIMED)
def test_vtt_round_trip_keeps_times_speakers_and_text(file):
    df = parsed(file)
    _, again = parse_transcript("cleaned.vtt", to_vtt(df, "text", "speaker"))
    assert list(again.itertuples(index=False)) == list(df.itertuples(index=False))


def test_vtt_without_speakers_has_no_voice_spans():
    df = parsed("zoom.vtt")
    kind, again = parse_transcript("cleaned.vtt", to_vtt(df, "text"))
    assert kind == "vtt" and "<v" not in to_vtt(df, "text")
    assert triples(again) == triples(df)


def test_a_row_task_result_goes_out_with_the_original_timings():
    df = parsed("teams.vtt")
    df["cleaned"] = ["예산 항목부터 봅니다. 인건비가 늘었습니다.", "증가 폭은 얼마인가요?", "약 12%입니다."]
    _, again = parse_transcript("cleaned.srt", to_srt(df, "cleaned"))
    assert triples(again) == triples(df, "cleaned")


def test_exact_srt_and_vtt_text():
    df = pd.DataFrame(
        {
            "start": ["1.5", "3723.004"],
            "end": ["4.0", "3725.0"],
            "speaker": ["김민수", "A&B"],
            "text": ["안녕하세요\n\n반갑습니다", "1 < 2 & 3 > 2"],
        }
    )
    assert to_srt(df, "text") == (
        "1\n00:00:01,500 --> 00:00:04,000\n안녕하세요\n반갑습니다\n\n"
        "2\n01:02:03,004 --> 01:02:05,000\n1 < 2 & 3 > 2\n\n"
    )
    assert to_vtt(df, "text", "speaker") == (
        "WEBVTT\n\n00:00:01.500 --> 00:00:04.000\n<v 김민수>안녕하세요\n반갑습니다\n\n"
        "01:02:03.004 --> 01:02:05.000\n<v A&amp;B>1 &lt; 2 &amp; 3 &gt; 2\n\n"
    )


def test_a_last_line_that_is_a_number_stays_in_its_cue():
    df = pd.DataFrame({"start": ["0.0", "2.0"], "end": ["1.0", "3.0"], "text": ["참석 인원은\n12", "다음"]})
    out = to_srt(df, "text")
    assert "참석 인원은 12\n" in out
    _, again = parse_transcript("x.srt", out)
    assert list(again["text"]) == ["참석 인원은 12", "다음"]


def test_markup_like_text_survives_a_vtt_round_trip():
    df = pd.DataFrame({"start": ["0.0"], "end": ["1.0"], "speaker": ["<Kim>"], "text": ["<b>not bold</b> & --> ok"]})
    _, again = parse_transcript("x.vtt", to_vtt(df, "text", "speaker"))
    assert list(again.iloc[0]) == ["0.0", "1.0", "<Kim>", "<b>not bold</b> & --> ok"]


def test_rows_whose_task_left_no_text_are_left_out():
    df = pd.DataFrame({"start": ["0.0", "1.0", "2.0"], "end": ["1.0", "2.0", "3.0"], "text": ["하나", "  ", None]})
    assert to_srt(df, "text") == "1\n00:00:00,000 --> 00:00:01,000\n하나\n\n"


@pytest.mark.parametrize("file", ["otter.txt", "speaker_lines_ko.txt", "google_meet.txt"])
def test_rows_without_times_are_refused(file):
    df = parsed(file)
    for export in (lambda: to_srt(df, "text"), lambda: to_vtt(df, "text", "speaker")):
        with pytest.raises(ConfigError) as caught:
            export()
        assert caught.value.code == "config.no_timings"
        assert caught.value.params["count"] >= 1 and caught.value.params["rows"][0] >= 1


def test_refusal_names_the_bad_rows():
    df = pd.DataFrame(
        {
            "start": ["0.0", "x", "2.0", "5.0", "NaN", "1e999999999", "-1", None],
            "end": ["1.0", "2.0", "", "4.0", "1", "1e999999999", "1", "1"],
            "text": list("abcdefgh"),
        }
    )
    with pytest.raises(ConfigError) as caught:
        to_srt(df, "text")
    assert caught.value.params == {"rows": [2, 3, 4, 5, 6], "count": 7}
    assert "7 row(s)" in caught.value.message and "row 2, 3, 4, 5, 6 …" in caught.value.message


def test_missing_columns_are_refused():
    df = pd.DataFrame({"start": ["0.0"], "end": ["1.0"], "text": ["a"]})
    with pytest.raises(ConfigError) as caught:
        to_vtt(df, "cleaned")
    assert caught.value.code == "config.column" and caught.value.params["column"] == "cleaned"
    with pytest.raises(ConfigError):
        to_vtt(df, "text", "speaker")
    with pytest.raises(ConfigError) as caught:
        to_srt(pd.DataFrame({"text": ["a"]}), "text")
    assert caught.value.params["column"] == "start"


def test_a_table_with_no_text_at_all_is_refused():
    df = pd.DataFrame({"start": ["0.0"], "end": ["1.0"], "text": [""]})
    with pytest.raises(ConfigError) as caught:
        to_srt(df, "text")
    assert caught.value.code == "config.empty"


WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30)
CUES = st.lists(st.tuples(st.integers(0, 10**8), st.integers(0, 10**6), WORDS, WORDS), min_size=1, max_size=8)


def table(cues) -> pd.DataFrame:
    """The cues as a parsed table would hold them: seconds text, tidy words, NFC (parsing composes Unicode)."""

    def secs(ms: int) -> str:
        return f"{ms // 1000}.{ms % 1000:03d}".rstrip("0").rstrip(".") + ("" if ms % 1000 else ".0")

    def words(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split())

    rows = [(secs(start), secs(start + length), words(speaker), words(text)) for start, length, speaker, text in cues]
    return pd.DataFrame(rows, columns=["start", "end", "speaker", "text"])


@settings(max_examples=200, deadline=None)
@given(CUES)
def test_any_timed_table_survives_a_vtt_round_trip(cues):
    df = table(cues)
    df = df[df["text"] != ""].reset_index(drop=True)
    if df.empty:
        return
    _, again = parse_transcript("x.vtt", to_vtt(df, "text", "speaker"))
    assert triples(again) == triples(df)
    assert list(again["speaker"]) == list(df["speaker"])


@pytest.mark.parametrize(
    "file, expected", [("whisper.srt", True), ("whisperx.json", True), ("otter.txt", False), ("google_meet.txt", False)]
)
def test_has_timings_tells_when_subtitles_can_be_offered(file, expected):
    assert has_timings(parsed(file)) is expected


def test_has_timings_needs_the_columns():
    assert not has_timings(pd.DataFrame({"text": ["a"]}))
    assert not has_timings(pd.DataFrame({"start": [], "end": []}))


# SRT has no escaping: "<i>" and "{\an8}" are markup, "Name: " at the start of most cues is read as the speaker, and
# a leading dash opens a speaker's turn ("- A" / "- B").
SRT_WORDS = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="<{\\:："),
    min_size=1,
    max_size=30,
).filter(lambda words: words.lstrip()[:1] not in "-‐–—")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**8), st.integers(0, 10**6), SRT_WORDS, SRT_WORDS), min_size=1, max_size=8))
def test_any_timed_table_survives_an_srt_round_trip(cues):
    df = table(cues)
    df = df[df["text"] != ""].reset_index(drop=True)
    if df.empty:
        return
    _, again = parse_transcript("x.srt", to_srt(df, "text"))
    assert triples(again) == triples(df)
