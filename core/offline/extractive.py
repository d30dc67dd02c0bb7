"""Extractive summaries and keywords: central sentences by TF-IDF of character n-grams, which suits Korean
without a morphological analyser."""
from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .clean import Fillers, clean_text, default_fillers

LINE = re.compile(r"^#(\d+)\s+(?:\[[\d:]+\]\s+)?(?:([^:]{1,40}):\s+)?(.*)$")
SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|(?<=[요다죠까])\.?\s+(?=[가-힣A-Z])")
JOSA = ("에서는", "에서", "으로", "에게", "까지", "부터", "처럼", "보다", "이랑", "하고", "은", "는", "이", "가", "을",
        "를", "에", "로", "와", "과", "도", "의", "만", "요")
STOPWORDS = Path(__file__).parent.parent / "presets" / "stopwords.toml"
MIN_CHARS = 8
SECTION_ROWS = 40


@dataclass(frozen=True)
class Sentence:
    """One sentence of the transcript with the row it came from (rows count from 1)."""

    row: int
    speaker: str
    text: str


def parse_transcript(text: str) -> list[Sentence]:
    """Sentences from transcript lines "#row [time] speaker: text" (plain lines count from 1)."""
    out: list[Sentence] = []
    for number, line in enumerate((l for l in text.split("\n") if l.strip()), start=1):
        match = LINE.match(line.strip())
        row, speaker, body = (int(match.group(1)), match.group(2) or "", match.group(3)) if match else (
            number, "", line.strip())
        out += [Sentence(row, speaker, s.strip()) for s in SENTENCE_END.split(body) if s.strip()]
    return out


def _grams(text: str) -> Counter:
    squeezed = re.sub(r"\W+", "", text.lower())
    return Counter(squeezed[i:i + n] for n in (2, 3) for i in range(len(squeezed) - n + 1))


def _tfidf(docs: list[Counter]) -> list[dict[str, float]]:
    df = Counter(g for doc in docs for g in doc)
    n = len(docs)
    vectors = []
    for doc in docs:
        vec = {g: c * math.log((1 + n) / (1 + df[g])) for g, c in doc.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({g: v / norm for g, v in vec.items()})
    return vectors


def _central(sentences: list[Sentence], count: int) -> list[Sentence]:
    """The `count` sentences closest to the centroid, in their original order."""
    candidates = [s for s in sentences if len(s.text) >= MIN_CHARS] or sentences
    vectors = _tfidf([_grams(s.text) for s in candidates])
    centroid: Counter = Counter()
    for vec in vectors:
        centroid.update(vec)
    scores = [sum(v * centroid[g] for g, v in vec.items()) for vec in vectors]
    best = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))[:count]
    return [candidates[i] for i in sorted(best)]


def summarize(text: str, sentences: int | None = None, fillers: Fillers | None = None) -> list[Sentence]:
    """The most central sentences (tidied), a few per section of ~40 rows, in order, with their rows."""
    parsed = parse_transcript(text)
    if not parsed:
        return []
    rows = sorted({s.row for s in parsed})
    sections = [rows[i:i + SECTION_ROWS] for i in range(0, len(rows), SECTION_ROWS)]
    total = sentences or max(3, min(12, len(rows) // 6))
    per = max(1, math.ceil(total / len(sections)))
    picked = [s for sec in sections for s in _central([p for p in parsed if sec[0] <= p.row <= sec[-1]], per)]
    fillers = fillers or default_fillers()
    return [Sentence(s.row, s.speaker, clean_text(s.text, fillers)) for s in picked[:max(total, len(sections))]]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Words too common to be keywords, from the data file."""
    with open(STOPWORDS, "rb") as fh:
        return frozenset(w for words in tomllib.load(fh).values() for w in words)


def _stem(word: str) -> str:
    for josa in JOSA:
        if word.endswith(josa) and len(word) - len(josa) >= 2:
            return word[: -len(josa)]
    return word


def keywords(text: str, count: int = 10, fillers: Fillers | None = None) -> list[str]:
    """The most distinctive words: frequent here, spread over few utterances, fillers and particles aside."""
    fillers = fillers or default_fillers()
    lines = [s.text for s in parse_transcript(text)] or [text]
    docs = [Counter(_stem(w) for w in re.findall(r"[\w']+", line.lower())) for line in lines]
    df = Counter(w for doc in docs for w in doc)
    tf = Counter(w for doc in docs for w in doc.elements())
    score = {w: tf[w] * math.log(1 + len(docs) / df[w]) for w in tf
             if len(w) >= 2 and not w.isdigit() and w not in fillers.words and w not in stopwords()}
    return sorted(score, key=lambda w: (-score[w], w))[:count]
