"""Cleaned subtitles: a subtitle source's original timings with the text a row task wrote, as .srt or .vtt."""

from __future__ import annotations

import html
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

from core.cells import cell_text
from core.errors import ConfigError
from core.formats._common import tidy

SHOWN_ROWS = 5
MAX_SECONDS = 100 * 3600  # SRT cannot write 100 hours; no recording a user brings here lasts that long


def _ms(value: object) -> int | None:
    """Seconds text ("62.5") as milliseconds; None when it is not a time."""
    try:
        number = Decimal(cell_text(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or not 0 <= number < MAX_SECONDS:
        return None
    return int((number * 1000).to_integral_value(rounding=ROUND_HALF_UP))


def _timing(start: object, end: object) -> tuple[int, int] | None:
    """(start ms, end ms) when both are times and the end is not before the start."""
    begin, finish = _ms(start), _ms(end)
    return (begin, finish) if begin is not None and finish is not None and finish >= begin else None


def _require(df: pd.DataFrame, *columns: str | None) -> None:
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise ConfigError(
            f"No column named '{missing[0]}'. Columns: {', '.join(map(str, df.columns))}",
            code="config.column",
            column=missing[0],
        )


def _refuse(bad: list[int]) -> ConfigError:
    shown = ", ".join(str(row) for row in bad[:SHOWN_ROWS]) + (" …" if len(bad) > SHOWN_ROWS else "")
    return ConfigError(
        f"{len(bad):,} row(s) have no usable start and end time (row {shown}), so the table cannot be "
        "saved as subtitles. Subtitles need a file that had timings (SRT, VTT, Whisper); download "
        "CSV or XLSX instead.",
        code="config.no_timings",
        rows=bad[:SHOWN_ROWS],
        count=len(bad),
    )


def _lines(value: object) -> list[str]:
    """The text's lines, tidied, blank ones dropped (a blank line would end the cue)."""
    return [line for line in (tidy(part) for part in cell_text(value).split("\n")) if line]


def cues(
    df: pd.DataFrame,
    text_column: str,
    speaker_column: str | None = None,
) -> list[tuple[int, int, str, list[str]]]:
    """(start ms, end ms, speaker, text lines) per row with text; every row must have times."""
    _require(df, "start", "end", text_column, speaker_column)
    out, bad = [], []
    for number, (start, end, text, speaker) in enumerate(
        zip(df["start"], df["end"], df[text_column], df[speaker_column] if speaker_column else [""] * len(df)), 1
    ):
        timing = _timing(start, end)
        if timing is None:
            bad.append(number)
        elif lines := _lines(text):
            out.append((*timing, tidy(cell_text(speaker)), lines))
    if bad:
        raise _refuse(bad)
    if not out:
        raise ConfigError("No row has text to write as subtitles.", code="config.empty")
    return out


def has_timings(df: pd.DataFrame) -> bool:
    """True when every row has a start and an end: the table can be downloaded as subtitles."""
    if "start" not in df.columns or "end" not in df.columns or df.empty:
        return False
    return all(_timing(start, end) is not None for start, end in zip(df["start"], df["end"]))


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _srt_lines(lines: list[str]) -> list[str]:
    # A last line that is only a number reads as the next cue's number in SRT readers: keep it on the line above.
    if len(lines) > 1 and lines[-1].isdigit():
        return [*lines[:-2], f"{lines[-2]} {lines[-1]}"]
    return lines


def to_srt(df: pd.DataFrame, text_column: str) -> str:
    """SubRip text: numbered cues, the original times, the text column (rows without text left out)."""
    return "".join(
        f"{n}\n{_clock(start, ',')} --> {_clock(end, ',')}\n" + "\n".join(_srt_lines(lines)) + "\n\n"
        for n, (start, end, _, lines) in enumerate(cues(df, text_column), 1)
    )


def _voice(speaker: str) -> str:
    return f"<v {html.escape(speaker, quote=False)}>" if speaker else ""


def to_vtt(df: pd.DataFrame, text_column: str, speaker_column: str | None = None) -> str:
    """WebVTT text: the original times, the text column escaped, the speaker (if given) as a voice span."""
    body = "".join(
        f"{_clock(start, '.')} --> {_clock(end, '.')}\n{_voice(speaker)}"
        + "\n".join(html.escape(line, quote=False) for line in lines)
        + "\n\n"
        for start, end, speaker, lines in cues(df, text_column, speaker_column)
    )
    return "WEBVTT\n\n" + body
