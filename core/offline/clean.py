"""대본 정리 without a model: fillers, stutters and repeated words out, spacing fixed, content words kept.

The rules for words that are fillers only in some places are described in core/presets/fillers.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.offline.fillers import Fillers, default_fillers

_OPENERS = "\"'“‘([{「『<"
_CLOSERS = "\"'”’)]}」』>"
_MARKS = ",.!?;:…~。、-—–"
_TOKEN = re.compile(f"^([{re.escape(_OPENERS)}]*)(.*?)([{re.escape(_MARKS + _CLOSERS)}]*)$", re.S)
_PAUSES = (",", "…", "...", "~", "-", "—", "–", "、")
_PAUSE_CHARS = ",…~-—–、.;:"
_CLAUSE_BREAK = re.compile(r"[,.!?;:…~。、\-—–]")
_SENTENCE_END = re.compile(r"[.?!。]")
_DASHES = ("-", "—", "–")
_LATIN = re.compile(r"[A-Za-z]")

_SPACE_BEFORE = re.compile(r"\s+(?=[,;…。、]|[.!?:)\]}」』]+(?:\s|$))")  # not before ".NET" or ".5"
_SPACE_AFTER = re.compile(r"([,;!?…])(?=[^\W\d_])")  # "a,b" gets a space; "1,000" and "10:30" do not
_PERIOD_GLUED = re.compile(r"(?<=[가-힣])\.(?=[가-힣])|(?<=[a-z])\.(?=[A-Z][a-z])")  # "했어요.그래서", "done.Then"
_DOUBLED = re.compile(r"([,;])(?:\s*\1)+")


@dataclass
class _Tok:
    lead: str
    core: str
    trail: str

    @property
    def key(self) -> str:
        return self.core.casefold()

    def text(self) -> str:
        return self.lead + self.core + self.trail


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    kind: str | None
    key: str


def tidy_spacing(text: str) -> str:
    """One space between words, none before punctuation, one after a comma or a glued sentence end."""
    text = " ".join(text.split())
    text = _SPACE_BEFORE.sub("", text)
    text = _SPACE_AFTER.sub(r"\1 ", text)
    text = _PERIOD_GLUED.sub(". ", text)
    return _DOUBLED.sub(r"\1", text)


def _tokens(line: str) -> list[_Tok]:
    out = []
    for word in line.split():
        lead, core, trail = _TOKEN.match(word).groups()  # type: ignore[union-attr]
        out.append(_Tok(lead, core, trail))
    return out


def _repeats(toks: list[_Tok], i: int, n: int, fillers: Fillers) -> bool:
    first, second = toks[i : i + n], toks[i + n : i + 2 * n]
    keys = [t.key for t in first]
    if len(second) < n or keys != [t.key for t in second] or not all(keys):
        return False
    if any(ch.isdigit() for k in keys for ch in k) or all(k in fillers.repeat_ok for k in keys):
        return False
    # "네. 네." is two answers, not a stutter; inside a repeated run the words must flow on.
    return not any(_SENTENCE_END.search(t.trail) for t in first) and not any(t.trail for t in second[:-1])


def _collapse_repeats(toks: list[_Tok], fillers: Fillers) -> list[_Tok]:
    """Say once what was said twice in a row: "제가 제가", "I I", "in the in the"."""
    i = 0
    while i < len(toks):
        n = next((n for n in (3, 2, 1) if _repeats(toks, i, n, fillers)), 0)
        if not n:
            i += 1
            continue
        toks[i + n].lead = toks[i].lead + toks[i + n].lead
        del toks[i : i + n]
    return toks


def _drop_cutoffs(toks: list[_Tok]) -> list[_Tok]:
    """Drop a word cut off with a dash before the word it starts: "th- the", "제- 제가"."""
    out: list[_Tok] = []
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt and tok.key and tok.trail in _DASHES and nxt.key.startswith(tok.key):
            nxt.lead = tok.lead + nxt.lead
            continue
        out.append(tok)
    return out


def _units(toks: list[_Tok], fillers: Fillers) -> list[_Unit]:
    """Tokens grouped into words and filler phrases ("you know", "뭐라고 해야 되지")."""
    units, i, phrases = [], 0, fillers.phrases()
    while i < len(toks):
        for words, always in phrases:
            n = len(words)
            if tuple(t.key for t in toks[i : i + n]) == words and not any(t.trail for t in toks[i : i + n - 1]):
                units.append(_Unit(i, i + n, "always" if always else "positional", " ".join(words)))
                i += n
                break
        else:
            units.append(_Unit(i, i + 1, _kind(toks, i, fillers), toks[i].key))
            i += 1
    return units


def _kind(toks: list[_Tok], i: int, fillers: Fillers) -> str | None:
    """The filler kind of one word; "ER" (an acronym) and "5 mm" (a unit) are content."""
    core = toks[i].core
    if _LATIN.match(core) and ((core.isupper() and len(core) > 1) or (i and toks[i - 1].core[-1:].isdigit())):
        return None
    return fillers.kind(toks[i].key)


def _clause_starts(units: list[_Unit], toks: list[_Tok]) -> list[bool]:
    starts = []
    for k in range(len(units)):
        prev = units[k - 1] if k else None
        starts.append(prev is None or prev.kind == "always" or bool(_CLAUSE_BREAK.search(toks[prev.end - 1].trail)))
    return starts


def _removed(units: list[_Unit], toks: list[_Tok], fillers: Fillers) -> list[bool]:
    """Which units go: hesitations always, positional words in filler positions (decided from the right)."""
    starts, gone = _clause_starts(units, toks), [False] * len(units)
    for k in reversed(range(len(units))):
        unit = units[k]
        if unit.kind != "positional":
            gone[k] = unit.kind == "always"
            continue
        trail = toks[unit.end - 1].trail.replace("...", "…")
        pause = any(p in trail for p in _PAUSES)
        nxt = units[k + 1] if k + 1 < len(units) else None
        before_filler = nxt is not None and gone[k + 1]
        if _LATIN.match(unit.key):
            at_end = nxt is None or bool(_SENTENCE_END.search(trail))
            gone[k] = starts[k] and (pause or at_end or before_filler)
        else:
            gone[k] = pause or before_filler
        gone[k] = (
            gone[k]
            or (nxt is not None and fillers.blocks(unit.key, nxt.key))
            or (unit.key in fillers.opening and k > 0 and units[k - 1].kind == "always")
        )
    return gone


def _opens_clause(kept: list[_Tok]) -> bool:
    """True when the last kept word is the first of its clause."""
    return len(kept) < 2 or bool(_CLAUSE_BREAK.search(kept[-2].trail))


def _hand_on(kept: list[_Tok], removed: _Tok) -> None:
    """Keep the sentence end and closing quotes of a removed filler on the word before it."""
    trail = removed.trail.replace("...", "…")
    if not kept:
        return
    prev = kept[-1]
    end = "".join(ch for ch in trail if ch in ".?!。")
    if end and not _SENTENCE_END.search(prev.trail):
        prev.trail = prev.trail.rstrip(_PAUSE_CHARS) + end
    elif trail.startswith(",") and prev.trail.endswith(",") and not _opens_clause(kept):
        # "which is, like, double" -> "which is double"; but "Okay, um, let's" keeps "Okay,".
        prev.trail = prev.trail[:-1]
    prev.trail += "".join(ch for ch in trail if ch in _CLOSERS)


def _remove_fillers(toks: list[_Tok], fillers: Fillers) -> list[_Tok]:
    units = _units(toks, fillers)
    kept: list[_Tok] = []
    carried = ""  # an opening quote of a removed filler moves to the next word
    for unit, gone in zip(units, _removed(units, toks, fillers)):
        part = toks[unit.start : unit.end]
        if gone:
            carried += part[0].lead
            _hand_on(kept, part[-1])
            continue
        part[0].lead, carried = carried + part[0].lead, ""
        kept.extend(part)
    return kept


def _capitalized(cleaned: str, original: str) -> str:
    first_new = re.search(r"[^\W\d_]", cleaned)
    first_old = re.search(r"[^\W\d_]", original)
    if first_new and first_old and first_old.group().isupper() and first_new.group().islower():
        word = cleaned[first_new.start() :].split(" ", 1)[0]
        if word.islower():
            i = first_new.start()
            return cleaned[:i] + cleaned[i].upper() + cleaned[i + 1 :]
    return cleaned


def clean_line(line: str, fillers: Fillers) -> str:
    """One line tidied: stutters, cut-off words and fillers removed, spacing fixed."""
    toks = _drop_cutoffs(_collapse_repeats(_tokens(tidy_spacing(line)), fillers))
    toks = _collapse_repeats(_remove_fillers(toks, fillers), fillers)
    cleaned = tidy_spacing(" ".join(t.text() for t in toks)).lstrip(",;: ")
    return _capitalized(cleaned, line)


def clean_text(text: str, fillers: Fillers | None = None) -> str:
    """A tidied utterance: fillers and stutters removed, spacing and punctuation fixed, line by line."""
    fillers = fillers or default_fillers()
    lines = (clean_line(line, fillers) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
