"""Speaker labels as people: "SPEAKER_00", "참석자 1" or "Speaker 2" renamed to names, with what each label said."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from core.errors import ConfigError

SAMPLE_CHARS = 80
PAIR = re.compile(r"^\s*(.+?)\s*=\s*(.*?)\s*$")


@dataclass(frozen=True)
class SpeakerLabel:
    """One label in a transcript: what it becomes, how many utterances it has, and its first line as a sample."""

    label: str
    name: str
    count: int
    sample: str


def speaker_labels(df: pd.DataFrame, speaker_column: str, text_column: str | None = None) -> list[SpeakerLabel]:
    """Every label in order of first appearance, with its utterance count and first non-empty line."""
    if speaker_column not in df.columns:
        return []
    speakers = df[speaker_column].fillna("").astype(str).str.strip()
    texts = df[text_column].fillna("").astype(str) if text_column in df.columns else pd.Series("", index=df.index)
    counts = speakers[speakers != ""].value_counts(sort=False)
    labels = []
    for label, count in counts.items():
        said = texts[(speakers == label) & (texts.str.strip() != "")]
        sample = " ".join(said.iloc[0].split()) if len(said) else ""
        sample = sample if len(sample) <= SAMPLE_CHARS else sample[: SAMPLE_CHARS - 1] + "…"
        labels.append(SpeakerLabel(str(label), str(label), int(count), sample))
    return labels


def parse_speakers(text: str) -> dict[str, str]:
    """ "SPEAKER_00=김민수,SPEAKER_01=이지영" (or one pair a line, as in a file) as {label: name}."""
    mapping: dict[str, str] = {}
    for part in (p for p in re.split(r"[,\n]", text) if p.strip()):
        match = PAIR.match(part)
        if not match or not match.group(1):
            raise ConfigError(
                f"'{part.strip()}' is not LABEL=NAME (e.g. SPEAKER_00=김민수).", code="config.speakers", part=part
            )
        mapping[match.group(1)] = match.group(2)
    return mapping


def rename_speakers(
    df: pd.DataFrame, speaker_column: str | None, mapping: dict[str, str], text_column: str | None = None
) -> tuple[pd.DataFrame, list[SpeakerLabel]]:
    """A copy of the table with labels replaced by names (an empty name keeps the label), and the labels reported.

    A label that is not in the table is refused, so a typo is not silently ignored.
    """
    if not mapping:
        return df, speaker_labels(df, speaker_column, text_column) if speaker_column else []
    if speaker_column is None or speaker_column not in df.columns:
        raise ConfigError("This table has no speaker column to rename.", code="config.speakers_missing")
    labels = speaker_labels(df, speaker_column, text_column)
    known = {item.label for item in labels}
    unknown = [label for label in mapping if label not in known]
    if unknown:
        raise ConfigError(
            f"No speaker labelled {', '.join(repr(u) for u in unknown)}. Speakers: {', '.join(sorted(known))}",
            code="config.speakers_unknown",
            labels=unknown,
        )
    names = {label: name for label, name in mapping.items() if name.strip()}
    out = df.copy()
    stripped = out[speaker_column].fillna("").astype(str).str.strip()
    out[speaker_column] = stripped.map(lambda label: names.get(label, label))
    return out, [SpeakerLabel(i.label, names.get(i.label, i.label), i.count, i.sample) for i in labels]
