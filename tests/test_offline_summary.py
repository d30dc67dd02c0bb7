"""Offline summaries: real sentences of the source, in order, with their rows; sections; keywords; minutes."""

import re
from pathlib import Path

import pytest

from core.loaders import load_path
from core.minutes.transcript import transcript_text
from core.offline.clean import clean_text
from core.offline.engine import minutes_markdown
from core.offline.keywords import keywords, stem
from core.offline.summarize import Sentence, central, sections, shares, split_sentences, summarize, transcript_sentences

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


def transcript(name):
    table = load_path(SAMPLES / name)
    return transcript_text(table.df, table.text_column, table.speaker_column), table


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("네, 좋아요. 저는 디자인부터 말씀드릴게요.", ["네, 좋아요.", "저는 디자인부터 말씀드릴게요."]),
        (
            "그러면 출시일을 미뤄야 하나요? 마케팅 일정도 같이 움직여야 해서요.",
            ["그러면 출시일을 미뤄야 하나요?", "마케팅 일정도 같이 움직여야 해서요."],
        ),
        ("Two more weeks, I'd say. Maybe less.", ["Two more weeks, I'd say.", "Maybe less."]),
        ('He said "done." Then left!', ['He said "done."', "Then left!"]),
        ("버전 2.5 배포는 끝났어요", ["버전 2.5 배포는 끝났어요"]),
        # without full stops a sentence ends after a sentence-final verb ending, not after any syllable 요/다
        (
            "회의 시작할게요 오늘은 일정 얘기합니다 필요 없어요",
            ["회의 시작할게요 오늘은 일정 얘기합니다", "필요 없어요"],
        ),
        ("배포 일정은  다음 주로 잡죠 그럼 끝", ["배포 일정은  다음 주로 잡죠", "그럼 끝"]),
    ],
)
def test_split_sentences_keeps_them_as_written(text, sentences):
    assert split_sentences(text) == sentences


def test_transcript_sentences_reads_rows_times_and_speakers():
    text = "#1 [00:05] 김민수: 시작할게요.\n#3 [1:02:03] Priya: One open question: is Slack in?\n#4 이지은: 네."
    parsed = transcript_sentences(text)
    assert [(s.row, s.time, s.speaker, s.text) for s in parsed] == [
        (1, "00:05", "김민수", "시작할게요."),
        (3, "1:02:03", "Priya", "One open question: is Slack in?"),
        (4, "", "이지은", "네."),
    ]


def test_a_colon_in_the_text_is_not_taken_for_a_speaker_when_speakers_recur():
    text = "\n".join(["#1 김: 시작해요.", "#2 이: 좋아요.", "#3 참고: 회의실은 3층입니다.", "#4 김: 끝.", "#5 이: 네."])
    assert [s.speaker for s in transcript_sentences(text)] == ["김", "이", "", "김", "이"]


def test_plain_lines_without_row_numbers_are_counted_from_one():
    assert [s.row for s in transcript_sentences("첫 줄입니다.\n\n둘째 줄입니다.")] == [1, 2]


@pytest.mark.parametrize("name", ["meeting_ko.txt", "meeting_en.txt", "utterances_ko_cp949.csv"])
def test_summary_sentences_are_real_in_order_with_their_rows(name):
    text, table = transcript(name)
    picked = [s for part in summarize(text) for s in part.sentences]
    assert 3 <= len(picked) <= 12
    assert [s.row for s in picked] == sorted(s.row for s in picked)
    assert len({(s.row, s.text) for s in picked}) == len(picked)
    for s in picked:
        source = table.df[table.text_column][s.row - 1]
        assert s.text in split_sentences(source), s  # a sentence of that very row, as written
        assert s.tidy == clean_text(s.text)  # shown with its fillers out
        assert s.speaker == table.df[table.speaker_column][s.row - 1]


@pytest.mark.parametrize("length", [1, 2, 5, 9])
def test_summary_length_is_a_setting(length):
    text, _ = transcript("meeting_ko.txt")
    assert sum(len(p.sentences) for p in summarize(text, length)) == length


def test_summaries_are_deterministic():
    text, _ = transcript("meeting_en.txt")
    assert summarize(text) == summarize(text) and minutes_markdown(text) == minutes_markdown(text)


def test_long_transcripts_get_a_few_sentences_from_every_section():
    text, _ = transcript("meeting_ko.txt")
    bodies = [line.split(" ", 1)[1] for line in text.split("\n")] * 4
    long_text = "\n".join(f"#{i + 1} {body}" for i, body in enumerate(bodies))
    parts = summarize(long_text)
    assert len(parts) == len(sections(list(range(1, len(bodies) + 1)))) == 4
    assert [(p.first, p.last) for p in parts] == [(1, 36), (37, 72), (73, 108), (109, 144)]
    for part in parts:
        assert len(part.sentences) == 3 and all(part.first <= s.row <= part.last for s in part.sentences)
    assert sum(len(p.sentences) for p in summarize(long_text, 6)) == 6


@pytest.mark.parametrize(
    "rows, size, expected",
    [
        (list(range(1, 11)), 40, [list(range(1, 11))]),
        (list(range(1, 82)), 40, [list(range(1, 28)), list(range(28, 55)), list(range(55, 82))]),
    ],
)
def test_sections_are_even(rows, size, expected):
    assert sections(rows, size) == expected


def test_very_long_transcripts_get_longer_sections_not_more():
    parts = sections(list(range(1, 6001)))
    assert len(parts) == 12 and {len(p) for p in parts} == {500} and parts[-1][-1] == 6000


@pytest.mark.parametrize("total, parts, expected", [(5, 1, [5]), (7, 3, [3, 2, 2]), (2, 4, [1, 1, 1, 1])])
def test_the_length_is_spread_over_sections(total, parts, expected):
    assert shares(total, parts) == expected


def test_a_repeated_sentence_is_picked_once():
    said = [
        "결제 기능은 다음 달 둘째 주에 2차 배포로 분리합니다.",
        "결제 기능은 다음 달 둘째 주에 2차 배포로 분리합니다.",
        "결제 모듈 문서가 바뀌어서 결제 화면 개발이 일주일 늦어집니다.",
        "마케팅 문구에서 결제 얘기는 빼 두겠습니다.",
    ]
    sentences = [Sentence(i + 1, "", s, clean_text(s)) for i, s in enumerate(said)]
    picked = central(sentences, 2)
    assert len(picked) == 2 and len({s.text for s in picked}) == 2


def test_empty_or_filler_only_transcripts_give_no_sentences_and_say_so():
    assert summarize("") == [] and summarize("#1 김: 음…\n#2 이: 어") == []
    assert "_요약할 문장을 찾지 못했습니다._" in minutes_markdown("#1 김: 음…\n#2 이: 어")


def test_keywords_are_distinctive_terms_without_fillers_or_particles():
    text, _ = transcript("meeting_ko.txt")
    found = keywords(text)
    assert len(found) == 10 and {"결제", "배포", "해지"} <= set(found)
    assert not {"음", "그러니까", "제가", "네", "결제는", "결제를"} & set(found)
    english = keywords(transcript("meeting_en.txt")[0])
    assert {"survey", "roadmap", "reporting"} & set(english) and not {"um", "like", "the"} & set(english)


@pytest.mark.parametrize(
    "word, stemmed",
    [
        ("예산안을", "예산안"),
        ("결제는", "결제"),
        ("금요일까지", "금요일"),
        ("회의", "회의"),
        ("포도", "포도"),
        ("고객이", "고객"),
        ("확인해", "확인"),
        ("정리하면", "정리"),
        ("올해", "올해"),
        ("역할을", "역할"),
    ],
)
def test_particles_come_off_and_short_stems_stay_whole(word, stemmed):
    assert stem(word) == stemmed


def test_minutes_cite_rows_and_times_and_say_they_are_extractive():
    text, table = transcript("meeting_ko.txt")
    md = minutes_markdown(text)
    assert md.startswith("## 요약\n_오프라인 엔진의 발췌 요약") and "\n## 키워드\n" in md
    bullets = [line for line in md.splitlines() if line.startswith("- ")]
    assert bullets
    for line in bullets:
        row = int(re.search(r"\[#(\d+)(?: [\d:]+)?\]$", line).group(1))
        speaker, said = line[2:].split(": ", 1)
        assert speaker == table.df["speaker"][row - 1]
        assert said.rsplit(" [#", 1)[0] in clean_text(table.df["text"][row - 1])


def test_english_minutes_get_english_labels_and_long_ones_get_section_headings():
    text, _ = transcript("meeting_en.txt")
    assert minutes_markdown(text).startswith("## Summary\n_Extractive summary by the offline engine")
    long_text = "\n".join(f"#{i + 1} Dana: Line number {i} is about the roadmap." for i in range(90))
    assert "### #1–#30" in minutes_markdown(long_text) and "### #61–#90" in minutes_markdown(long_text)
