"""Keywords without a model: the most distinctive terms, Korean particles stripped, fillers and common words aside."""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from functools import lru_cache
from pathlib import Path

from core.offline.fillers import Fillers, default_fillers
from core.offline.summarize import transcript_sentences
from core.presets import PRESETS

STOPWORDS = PRESETS / "stopwords.toml"
WORD = re.compile(r"[가-힣]+|[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
MIN_KO, MIN_LATIN = 2, 3


@lru_cache(maxsize=2)
def _lists(path: Path = STOPWORDS) -> dict[str, tuple[str, ...]]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    # Longest particles first, so that "에서는" is taken off whole rather than as "는".
    return {key: tuple(sorted(value, key=len, reverse=True)) for key, value in data.items()}


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Words too common to be keywords, from the data file."""
    lists = _lists()
    return frozenset(w.casefold() for key in ("korean", "english") for w in lists[key])


def _strip(word: str, endings: tuple[str, ...]) -> str:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_KO:
            return word[: -len(ending)]
    return word


def stem(word: str) -> str:
    """A Korean word without its particle, copula or 하다 ending ("예산안을" → "예산안", "확인해" → "확인")."""
    lists = _lists()
    return _strip(_strip(word, lists["particles"]), lists["hada_endings"])


def _candidates(text: str, skip: frozenset[str]) -> list[tuple[str, str]]:
    """(term, word as written) for each keyword candidate of one text: nouns by shape, verbs and common words out."""
    predicate = _lists()["predicate_endings"]
    out = []
    for word in WORD.findall(text):
        low = word.casefold().replace("’", "'")
        if low in skip:
            continue
        if "가" <= low[0] <= "힣":
            term = stem(low)
            if (term == low and low.endswith(predicate)) or len(term) < MIN_KO or term in skip:
                continue
            word = term
        elif len(low) < MIN_LATIN:
            continue
        else:
            term = low
        out.append((term, word))
    return out


def content_terms(text: str, fillers: Fillers | None = None) -> list[str]:
    """The words of `text` that could be keywords (particles off; fillers, verbs and common words left out)."""
    return [term for term, _ in _candidates(text, stopwords() | (fillers or default_fillers()).words)]


def _singular(terms: Counter) -> dict[str, str]:
    """English plurals counted with their singular when both occur ("steps" with "step")."""
    return {t: t[:-1] if t.endswith("s") and t[:-1] in terms else t for t in terms}


def keywords(text: str, count: int = 10, fillers: Fillers | None = None, transcript: bool = True) -> list[str]:
    """The most distinctive terms: frequent here, in few utterances, longer first on ties; in a stable order.

    `transcript`: `text` is "#row [time] speaker: text" lines (speakers and times are not counted); else plain text.
    """
    fillers = fillers or default_fillers()
    lines = [s.text for s in transcript_sentences(text, fillers)] if transcript else text.splitlines()
    return line_keywords(lines or [text], count, fillers)


def line_keywords(lines: list[str], count: int = 10, fillers: Fillers | None = None) -> list[str]:
    """keywords() of text already split into utterances (each line one document)."""
    skip = stopwords() | (fillers or default_fillers()).words
    found = [_candidates(line, skip) for line in lines]
    written: dict[str, str] = {}
    for term, word in (pair for line in found for pair in line):
        written.setdefault(term, word)
    canon = _singular(Counter(written))
    docs = [Counter(canon[term] for term, _ in line) for line in found]
    df = Counter(t for doc in docs for t in doc)
    tf = Counter(t for doc in docs for t in doc.elements())
    first = {t: i for i, t in reversed(list(enumerate(t for doc in docs for t in doc)))}
    score = {t: tf[t] * math.log(1 + len(docs) / df[t]) for t in tf}
    best = sorted(score, key=lambda t: (-round(score[t], 9), -len(t), first[t]))[:count]
    return [written[t] for t in best]
