"""YouTube automatic captions (.vtt from yt-dlp): rolling cues that repeat the previous line, <c> word timings and
10 ms transition cues, turned into clean sentences (or clean caption lines when the captions have no punctuation)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from core.formats._common import HEAD_CHARS, Row, clock_ms, seconds, tidy, utterance_table
from core.formats._vtt import Cue, clean_line, is_vtt, read_cues

KARAOKE = re.compile(r"<(\d+:\d{2}:\d{2}\.\d{3})>")
SENTENCE_END = re.compile(r"[.?!。？！…][\"'”’)\]]*$")
MAX_SENTENCE_CHARS = 300


@dataclass
class Word:
    """A stretch of text and when it is spoken, in milliseconds."""

    start: int
    end: int
    text: str


def sniff(name: str, text: str) -> bool:
    """WebVTT with word-timing tags inside the cue text: the signature of YouTube's automatic captions."""
    return is_vtt(text) and KARAOKE.search(text[:HEAD_CHARS]) is not None


def _new_lines(lines: list[str], previous: list[str]) -> int:
    """How many leading lines of a cue repeat the end of the previous cue (the rolling part)."""
    for k in range(min(len(lines), len(previous)), 0, -1):
        if lines[:k] == previous[-k:]:
            return k
    return 0


def _words(raw: str, cue: Cue) -> list[Word]:
    """The words of a line: the first from the cue's start, the others from their karaoke times."""
    parts = KARAOKE.split(raw)
    words: list[Word] = []
    time = cue.start
    for index, chunk in enumerate(parts[0::2]):
        if index:
            time = min(max(clock_ms(parts[2 * index - 1]) or time, time), cue.end)
        said = clean_line(chunk)
        if said.strip():
            words.append(Word(time, cue.end, (" " if not words else "") + said))
    for word, following in zip(words, words[1:]):
        word.end = following.start
    return words


def _caption_lines(cues: tuple[Cue, ...]) -> list[list[Word]]:
    """Each line once, with its word timings, from the cue where it first appears."""
    lines: list[list[Word]] = []
    previous: list[str] = []
    for cue in cues:
        raw = [line for line in cue.lines if tidy(clean_line(line))]
        clean = [tidy(clean_line(line)) for line in raw]
        for line in raw[_new_lines(clean, previous) :]:
            lines.append(_words(line, cue))
        previous = clean
    return [line for line in lines if line]


def _sentences(lines: list[list[Word]]) -> list[list[Word]]:
    """The words regrouped at sentence ends; the caption lines as they are when punctuation is too rare."""
    words = [word for line in lines for word in line]
    if sum(bool(SENTENCE_END.search(word.text.rstrip())) for word in words) * 3 < len(lines):
        return lines
    sentences: list[list[Word]] = [[]]
    length = 0
    for word in words:
        sentences[-1].append(word)
        length += len(word.text)
        if SENTENCE_END.search(word.text.rstrip()) or length > MAX_SENTENCE_CHARS:
            sentences.append([])
            length = 0
    return [sentence for sentence in sentences if sentence]


def _row(words: list[Word]) -> Row:
    return seconds(words[0].start), seconds(words[-1].end), "", tidy("".join(word.text for word in words))


def parse(text: str) -> pd.DataFrame:
    """One utterance per sentence (or per caption line), each said once, with its spoken times."""
    return utterance_table(_row(words) for words in _sentences(_caption_lines(read_cues(text))))
