"""Plain dialogue: "Name: text" lines (SAMSum, chat logs, hand-typed minutes); other lines continue the turn above."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from core.formats._common import Row, head, labels_look_like_speakers, split_speaker, tidy, utterance_table

MIN_SHARE = 0.6
MIN_RECURRING_SHARE = 0.5


def sniff(name: str, text: str) -> bool:
    """Most lines are "Name: text" with something said, mostly by names that recur ("Key: value" lists do not)."""
    lines = head(text)
    labels = [label if said else None for label, said in map(split_speaker, lines)]
    counts = Counter(label for label in labels if label)
    named = sum(counts.values())
    if named < 3 or not labels_look_like_speakers(labels, MIN_SHARE):
        return False
    return sum(n for n in counts.values() if n >= 2) / named >= MIN_RECURRING_SHARE


def parse(text: str) -> pd.DataFrame:
    """One utterance per "Name: text" line."""
    rows: list[Row] = []
    for line in (line for line in text.split("\n") if line.strip()):
        speaker, said = split_speaker(line)
        if speaker is not None or not rows:
            rows.append(("", "", speaker or "", tidy(said)))
        else:
            rows[-1] = (*rows[-1][:3], tidy(f"{rows[-1][3]} {line}"))
    return utterance_table(rows)
