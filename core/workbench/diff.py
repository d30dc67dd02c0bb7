"""What changed between two answers or two prompt versions: character level for Korean, word level otherwise."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
WORDS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Piece:
    """A run of text on one side of a diff, and whether it differs from the other side."""

    text: str
    changed: bool


def unit(a: str, b: str) -> str:
    """'char' when either text has Hangul (Korean words glue particles on), else 'word'."""
    return "char" if HANGUL.search(a) or HANGUL.search(b) else "word"


def tokens(text: str, level: str) -> list[str]:
    """The text cut into diff units; joined back they give the text unchanged."""
    return list(text) if level == "char" else WORDS.findall(text)


def diff_pieces(a: str, b: str, level: str | None = None) -> tuple[list[Piece], list[Piece]]:
    """Both sides as pieces, the differing ones marked (level None: chosen by `unit`)."""
    level = level or unit(a, b)
    ta, tb = tokens(a, level), tokens(b, level)
    left: list[Piece] = []
    right: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if i2 > i1:
            left.append(Piece("".join(ta[i1:i2]), op != "equal"))
        if j2 > j1:
            right.append(Piece("".join(tb[j1:j2]), op != "equal"))
    return _merged(left), _merged(right)


def _merged(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for p in pieces:
        if out and out[-1].changed == p.changed:
            out[-1] = Piece(out[-1].text + p.text, p.changed)
        else:
            out.append(p)
    return out


def highlight(pieces: list[Piece], mark: str) -> str:
    """HTML of one side with the changed pieces wrapped in `mark` ('del' or 'ins'); everything else escaped."""
    return "".join(f"<{mark}>{html.escape(p.text)}</{mark}>" if p.changed else html.escape(p.text) for p in pieces)


def text_diff(old: str, new: str, old_name: str = "old", new_name: str = "new") -> str:
    """A unified line diff of two prompts, for reading (empty when they are the same)."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm="", n=2
    )
    return "\n".join(lines)
