"""Offline summaries: real sentences of the source, in order, with their rows; keywords; minutes."""
from pathlib import Path

import pytest

from core.loaders import load_path
from core.offline.clean import clean_text
from core.offline.engine import minutes_markdown
from core.offline.extractive import keywords, parse_transcript, summarize
from core.summary import transcript_text

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


def transcript(name):
    table = load_path(SAMPLES / name)
    return transcript_text(table.df, "text", "speaker"), table.df


@pytest.mark.parametrize("name", ["meeting_ko.txt", "meeting_en.txt"])
def test_summary_sentences_are_real_in_order_with_their_rows(name):
    text, df = transcript(name)
    picked = summarize(text)
    assert 3 <= len(picked) <= 12
    assert [s.row for s in picked] == sorted(s.row for s in picked)
    for s in picked:
        source = df["text"][s.row - 1]
        assert any(clean_text(part.text) == s.text for part in parse_transcript(f"#{s.row} x: {source}")), s
        assert s.speaker == df["speaker"][s.row - 1]


def test_summary_length_is_a_setting_and_output_is_deterministic():
    text, _ = transcript("meeting_ko.txt")
    assert len(summarize(text, 2)) == 2 and len(summarize(text, 5)) == 5
    assert summarize(text) == summarize(text)


def test_long_transcripts_get_sentences_from_every_section():
    text, _ = transcript("meeting_ko.txt")
    lines = [f"#{i + 1} 김: {line.split(': ', 1)[-1]}" for i, line in enumerate(text.split("\n") * 4)]
    picked = summarize("\n".join(lines))
    assert {(s.row - 1) // 40 for s in picked} == set(range((len(lines) - 1) // 40 + 1))


def test_keywords_are_distinctive_terms():
    text, _ = transcript("meeting_ko.txt")
    words = keywords(text)
    assert "결제" in words and "배포" in words
    assert not {"음", "그러니까", "제가", "네"} & set(words)


def test_minutes_are_labelled_as_extractive_and_cite_rows():
    text, _ = transcript("meeting_en.txt")
    md = minutes_markdown(text)
    assert md.startswith("## Summary (offline engine") and "[#" in md and "## Keywords" in md


def test_plain_lines_without_row_numbers_are_counted_from_one():
    assert [s.row for s in parse_transcript("첫 줄입니다.\n둘째 줄입니다.")] == [1, 2]
