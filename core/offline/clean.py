"""대본 정리 without a model: fillers, stutters and repeated words out, spacing fixed, content words kept."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILLERS = Path(__file__).parent.parent / "presets" / "fillers.toml"
TRAIL = ",.!?…~。、;:"
PAUSE = (",", "…", "...", "、", "~")
_SPACE_BEFORE = re.compile(r"\s+([,.!?…。、;:])")
_SPACE_AFTER = re.compile(r"([,!?;])(?=[^\s\d\"'”’)\]])")


@dataclass(frozen=True)
class Fillers:
    """The filler words and phrases, all lower-case."""

    always: frozenset[str]
    positional: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> frozenset[str]:
        """Every single-word filler."""
        return self.always | self.positional


def make_fillers(always: list[str], positional: list[str], phrases: list[str]) -> Fillers:
    """Fillers from plain lists (as edited in the UI)."""
    low = lambda xs: frozenset(x.strip().lower() for x in xs if x.strip())
    return Fillers(low(always), low(positional), tuple(tuple(p.lower().split()) for p in phrases if p.strip()))


@lru_cache(maxsize=2)
def default_fillers(path: Path = FILLERS) -> Fillers:
    """The filler lists of both languages from the data file."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    merged = {k: [w for lang in data.values() for w in lang.get(k, [])] for k in ("always", "positional", "phrases")}
    return make_fillers(**merged)


def _core(token: str) -> str:
    return token.strip(TRAIL + "\"'“”‘’()[]").lower()


def _join_phrases(tokens: list[str], fillers: Fillers) -> list[str]:
    """Glue the words of a filler phrase into one token so the rules treat it as one filler."""
    out, i = [], 0
    while i < len(tokens):
        for phrase in fillers.phrases:
            n = len(phrase)
            if tuple(_core(t) for t in tokens[i:i + n]) == phrase and all(
                    not t.endswith(TRAIL[:5]) for t in tokens[i:i + n - 1]):
                out.append(" ".join(tokens[i:i + n]))
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _is_filler(token: str, fillers: Fillers) -> bool:
    core = _core(token)
    return core in fillers.words or tuple(core.split()) in fillers.phrases


def _drop(tokens: list[str], i: int, opening: bool, fillers: Fillers) -> bool:
    core = _core(tokens[i])
    if core in fillers.always:
        return True
    if not _is_filler(tokens[i], fillers):
        return False
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    # One-syllable words (그, 저) open noun phrases ("그 색상"): never dropped for standing first alone.
    return (tokens[i].rstrip("\"'”’").endswith(PAUSE) or (bool(nxt) and _is_filler(nxt, fillers))
            or (opening and len(core) >= 2))


def _remove_fillers(tokens: list[str], fillers: Fillers) -> list[str]:
    kept: list[str] = []
    opening = True  # still in the run of fillers that opens a clause
    dropped_any = False
    for i, token in enumerate(tokens):
        if _drop(tokens, i, opening and dropped_any, fillers) or (
                opening and _is_filler(token, fillers) and i + 1 < len(tokens) and _core(tokens[i + 1]) in fillers.always):
            dropped_any = True
            if token.rstrip().endswith((".", "!", "?")) and kept:
                kept[-1] = kept[-1].rstrip(",") + token.rstrip()[-1]
            elif token.endswith(",") and kept and kept[-1].endswith(","):
                kept[-1] = kept[-1][:-1]  # "which is, like, double" -> "which is double"
            continue
        kept.append(token)
        opening = token.endswith((".", "!", "?"))
        dropped_any = dropped_any and opening
    return kept


def _remove_stutters(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        core, next_core = _core(token), _core(nxt)
        repeated = out and _core(out[-1]) == core and not out[-1].endswith(TRAIL)
        partial = (nxt and len(core) <= 2 and next_core != core and next_core.startswith(core)
                   and not token.endswith(TRAIL) and core.isalpha() and len(next_core) > len(core))
        if (repeated or partial) and core:
            continue
        out.append(token)
    return out


def tidy_spacing(text: str) -> str:
    """One space between words, none before punctuation, one after a comma."""
    text = " ".join(text.split())
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1 ", text)
    return text.strip(" ,;、").strip()


def clean_text(text: str, fillers: Fillers | None = None) -> str:
    """A tidied utterance: fillers and stutters removed, spacing and punctuation fixed."""
    fillers = fillers or default_fillers()
    tokens = _join_phrases(text.split(), fillers)
    tokens = _remove_stutters(_remove_fillers(tokens, fillers))
    cleaned = tidy_spacing(" ".join(tokens))
    if cleaned and text.strip()[:1].isupper() and cleaned[0].islower():
        cleaned = cleaned[0].upper() + cleaned[1:]
    return cleaned
