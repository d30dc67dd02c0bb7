"""DialogSum-style dialogues: "#Person1#: text" lines (a label between hashes)."""

from __future__ import annotations

import re

import pandas as pd

from core.formats._common import Row, head, tidy, utterance_table

LINE = re.compile(r"^\s*#([^#\s][^#\n]{0,30})#\s*[:：]\s*(.*)$")
MIN_SHARE = 0.5


def sniff(name: str, text: str) -> bool:
    """Two or more "#Label#:" lines, most of the text."""
    lines = head(text)
    tagged = sum(bool(LINE.match(line)) for line in lines)
    return tagged >= 2 and tagged / len(lines) >= MIN_SHARE


def parse(text: str) -> pd.DataFrame:
    """One utterance per "#Label#:" line; the hashes dropped from the speaker; other lines continue the one above."""
    rows: list[Row] = []
    for line in (line for line in text.split("\n") if line.strip()):
        match = LINE.match(line)
        if match:
            rows.append(("", "", match.group(1).strip(), tidy(match.group(2))))
        elif rows:
            rows[-1] = (*rows[-1][:3], tidy(f"{rows[-1][3]} {line}"))
    return utterance_table(rows)
