"""Extractive summaries: the sentences closest to the centroid of TF-IDF vectors over character n-grams (which suits
Korean without a morphological analyser), in their original order, with their rows; a few per section when long."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from core.offline.clean import clean_text
from core.offline.fillers import Fillers, default_fillers

LINE = re.compile(r"^#(\d+)\s+(?:\[(\d{1,2}(?::\d{2}){1,2})\]\s+)?(.*)$")
SPEAKER = re.compile(r"^([^:：\s][^:：]{0,29})[:：]\s+(.*)$")
SENTENCE_END = re.compile(r"[.!?。？！]+[\"'”’)\]]*(?=\s)")
# Korean speech is often written without full stops; then a sentence ends after a sentence-final verb ending.
KO_ENDINGS = (
    "니다",
    "어요",
    "아요",
    "에요",
    "예요",
    "해요",
    "세요",
    "네요",
    "군요",
    "까요",
    "죠",
    "래요",
    "대요",
    "거든요",
    "잖아요",
    "었다",
    "였다",
    "했다",
    "한다",
    "된다",
    "이다",
)
GRAMS = (2, 3)
MIN_CHARS = 10  # shorter sentences ("네, 좋아요.") are picked only when nothing longer is left
NEAR_DUPLICATE = 0.7  # cosine above which a candidate repeats a sentence already picked
SECTION_ROWS = 40
MAX_SECTIONS = 12  # past 480 rows the sections grow instead, so that the summary stays readable


@dataclass(frozen=True)
class Sentence:
    """One sentence of the transcript: its row (from 1), speaker, time, text as written, and tidied (fillers out)."""

    row: int
    speaker: str
    text: str
    tidy: str = ""
    time: str = ""


@dataclass(frozen=True)
class Part:
    """A section of the transcript (rows `first` to `last`) and the sentences picked from it."""

    first: int
    last: int
    sentences: tuple[Sentence, ...]


def _speakers(bodies: list[str]) -> set[str]:
    """Names written as "name: " that recur (or, when none recurs, all of them): a colon in the text is no speaker."""
    names = Counter(m.group(1) for m in map(SPEAKER.match, bodies) if m)
    recurring = {n for n, c in names.items() if c >= 2}
    return recurring or set(names)


def split_sentences(text: str) -> list[str]:
    """The sentences of one utterance, each exactly as written."""
    if re.search(r"[.!?。？！]", text):
        ends = [m.end() for m in SENTENCE_END.finditer(text)]
    else:
        ends = [m.end() for m in re.finditer(r"\S+", text) if m.group().endswith(KO_ENDINGS)]
    bounds = [0, *ends, len(text)]
    return [p for p in (text[a:b].strip() for a, b in zip(bounds, bounds[1:])) if p]


def _lines(text: str) -> list[tuple[int, str, str]]:
    found = []
    for number, line in enumerate((ln.strip() for ln in text.split("\n") if ln.strip()), start=1):
        match = LINE.match(line)
        found.append((int(match.group(1)), match.group(2) or "", match.group(3)) if match else (number, "", line))
    return found


def transcript_sentences(text: str, fillers: Fillers | None = None) -> list[Sentence]:
    """Sentences from transcript lines "#row [time] speaker: text" (lines without "#row" count from 1)."""
    fillers = fillers or default_fillers()
    lines = _lines(text)
    speakers = _speakers([body for *_, body in lines])
    out: list[Sentence] = []
    for row, time, body in lines:
        match = SPEAKER.match(body)
        who, said = (match.group(1), match.group(2)) if match and match.group(1) in speakers else ("", body)
        out += [Sentence(row, who, s, clean_text(s, fillers), time) for s in split_sentences(said)]
    return out


def _grams(text: str) -> Counter:
    grams: Counter = Counter()
    for word in re.findall(r"\w+", text.casefold()):
        padded = f" {word} "
        grams.update(padded[i : i + n] for n in GRAMS for i in range(len(padded) - n + 1))
    return grams


def _tfidf(docs: list[Counter]) -> list[dict[str, float]]:
    df = Counter(g for doc in docs for g in doc)
    vectors = []
    for doc in docs:
        vec = {g: (1 + math.log(c)) * math.log((1 + len(docs)) / (1 + df[g])) for g, c in doc.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({g: v / norm for g, v in vec.items() if v})
    return vectors


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(v * large.get(g, 0.0) for g, v in small.items())


def central(sentences: list[Sentence], count: int) -> list[Sentence]:
    """The `count` sentences closest to the centroid, near-duplicates skipped, in their original order."""
    long_enough = [s for s in sentences if len(re.sub(r"\s", "", s.tidy)) >= MIN_CHARS]
    pool = long_enough if len(long_enough) >= count else [s for s in sentences if s.tidy] or sentences
    vectors = _tfidf([_grams(s.tidy or s.text) for s in pool])
    centroid: Counter = Counter()
    for vec in vectors:
        centroid.update(vec)
    # Rounded so that the order does not hang on the last bits of a float sum.
    scores = [round(_dot(vec, centroid), 9) for vec in vectors]
    picked: list[int] = []
    for i in sorted(range(len(pool)), key=lambda i: (-scores[i], i)):
        if len(picked) == count:
            break
        if all(_dot(vectors[i], vectors[j]) <= NEAR_DUPLICATE for j in picked):
            picked.append(i)
    return [pool[i] for i in sorted(picked)]


def sections(rows: list[int], section_rows: int = SECTION_ROWS) -> list[list[int]]:
    """The rows cut into even parts of about `section_rows` each (one part when short, at most MAX_SECTIONS)."""
    count = max(1, min(MAX_SECTIONS, math.ceil(len(rows) / section_rows)))
    size, extra = divmod(len(rows), count)
    bounds = [i * size + min(i, extra) for i in range(count + 1)]
    return [rows[bounds[i] : bounds[i + 1]] for i in range(count)]


def default_length(rows: int, parts: int) -> int:
    """How many sentences a summary has when the user did not say: a few, then three per section."""
    return 3 * parts if parts > 1 else max(3, min(8, rows // 6))


def shares(total: int, parts: int) -> list[int]:
    """`total` sentences spread over `parts` sections, earlier ones first, at least one each."""
    base, extra = divmod(total, parts)
    return [max(1, base + (i < extra)) for i in range(parts)]


def summarize(
    text: str, sentences: int | None = None, fillers: Fillers | None = None, section_rows: int = SECTION_ROWS
) -> list[Part]:
    """The most central sentences of each section (one section unless long), in order, with their rows.

    `sentences`: how many in all, spread over the sections (at least one each); None: a few, three per section.
    """
    return summarize_sentences(transcript_sentences(text, fillers), sentences, section_rows)


def summarize_sentences(
    found: list[Sentence], sentences: int | None = None, section_rows: int = SECTION_ROWS
) -> list[Part]:
    """summarize() of a transcript already read into sentences."""
    parsed = [s for s in found if s.tidy]
    if not parsed:
        return []
    parts = sections(sorted({s.row for s in parsed}), section_rows)
    total = sentences if sentences and sentences > 0 else default_length(len({s.row for s in parsed}), len(parts))
    return [
        Part(part[0], part[-1], tuple(central([s for s in parsed if part[0] <= s.row <= part[-1]], share)))
        for part, share in zip(parts, shares(total, len(parts)))
    ]
