"""The filler lists of 대본 정리 as data: loaded from core/presets/fillers.toml, or edited in the app.

The app edits one list, one entry a line: a plain entry is always removed, an entry written "~word" only in filler
positions (the rules are described in the data file). `fillers_from_list` reads that list, `Fillers.as_list` writes it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.presets import PRESETS

FILLERS = PRESETS / "fillers.toml"
POSITIONAL_MARK = "~"


def _norm(entry: str) -> str:
    return " ".join(entry.casefold().split())


def _stretchable(entry: str) -> re.Pattern[str]:
    # "음" also matches "음음", "um" also "ummm": each letter may be drawn out.
    return re.compile("".join(re.escape(ch) + "+" for ch in entry))


@dataclass(frozen=True)
class Fillers:
    """What 대본 정리 removes: `always` anywhere, `positional` only in filler positions (entries in lower case)."""

    always: tuple[str, ...] = ()
    positional: tuple[str, ...] = ()
    opening: frozenset[str] = frozenset()
    before: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)
    repeat_ok: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_patterns", tuple(_stretchable(w) for w in self.always if " " not in w))
        object.__setattr__(self, "_positional", frozenset(w for w in self.positional if " " not in w))

    def kind(self, word: str) -> str | None:
        """ "always" for a one-word hesitation (drawn out or not: "음", "으음", "ummm"), "positional", or None."""
        if any(p.fullmatch(word) for p in self._patterns):  # type: ignore[attr-defined]
            return "always"
        return "positional" if word in self._positional else None  # type: ignore[attr-defined]

    def blocks(self, word: str, following: str) -> bool:
        """True when `word` (a determiner such as 그) cannot modify `following`: then it is a hesitation."""
        entries = self.before.get(word, ())
        return following in entries or any(e.endswith("*") and following.startswith(e[:-1]) for e in entries)

    def phrases(self) -> list[tuple[tuple[str, ...], bool]]:
        """Entries of several words, longest first, each with whether it is always removed."""
        found = [(tuple(w.split()), True) for w in self.always if " " in w]
        found += [(tuple(w.split()), False) for w in self.positional if " " in w]
        return sorted(found, key=lambda p: -len(p[0]))

    @property
    def words(self) -> frozenset[str]:
        """Every word that belongs to some entry (for checking what a tidied text may have lost)."""
        return frozenset(w for entry in (*self.always, *self.positional) for w in entry.split())

    def as_list(self) -> list[str]:
        """The entries as the app shows them: always-removed ones plain, positional ones as "~word"."""
        return [*self.always, *(POSITIONAL_MARK + w for w in self.positional)]


def make_fillers(
    always: Iterable[str], positional: Iterable[str] = (), phrases: Iterable[str] = (), base: Fillers | None = None
) -> Fillers:
    """Fillers from plain lists (`phrases` count as positional); the other rules come from `base` (the defaults)."""
    base = base or default_fillers()
    keep = lambda xs: tuple(dict.fromkeys(n for n in map(_norm, xs) if n))
    return Fillers(
        always=keep(always),
        positional=keep([*positional, *phrases]),
        opening=base.opening,
        before=base.before,
        repeat_ok=base.repeat_ok,
    )


def filler_entries(text: str) -> tuple[str, ...]:
    """The entries of a filler list as a person writes it: one a line or separated by commas."""
    return tuple(e.strip() for e in text.replace(",", "\n").splitlines() if e.strip())


def fillers_from_list(entries: Iterable[str], base: Fillers | None = None) -> Fillers:
    """Fillers from the app's one-entry-a-line list: "~word" is positional, anything else always removed."""
    entries = [e.strip() for e in entries if e.strip() and e.strip() != POSITIONAL_MARK]
    return make_fillers(
        always=[e for e in entries if not e.startswith(POSITIONAL_MARK)],
        positional=[e[1:] for e in entries if e.startswith(POSITIONAL_MARK)],
        base=base,
    )


def _merge(data: Mapping[str, Mapping], key: str) -> list[str]:
    return [w for lang in data.values() for w in lang.get(key, [])]


@lru_cache(maxsize=4)
def default_fillers(path: Path = FILLERS) -> Fillers:
    """The filler lists of every language in the data file, merged."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    before = {_norm(k): frozenset(map(_norm, v)) for lang in data.values() for k, v in lang.get("before", {}).items()}
    keep = lambda xs: tuple(dict.fromkeys(n for n in map(_norm, xs) if n))
    return Fillers(
        always=keep(_merge(data, "always")),
        positional=keep(_merge(data, "positional")),
        opening=frozenset(map(_norm, _merge(data, "opening"))),
        before=before,
        repeat_ok=frozenset(map(_norm, _merge(data, "repeat_ok"))),
    )
