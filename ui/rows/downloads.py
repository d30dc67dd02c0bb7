"""The Rows page's downloads: CSV, XLSX and (for timed sources) subtitles of the results with hand edits.

Each file is built when its button is clicked, not on every rerun: a rerun then costs nothing at any table size.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from core.exports.subtitles import has_timings, to_srt, to_vtt
from core.exports.tables import to_csv_bytes, to_xlsx_bytes
from ui import state as S
from ui.i18n import t
from ui.rows import runs
from ui.rows.window import answers

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUBTITLE_MIME = {"srt": "application/x-subrip", "vtt": "text/vtt"}


def _later(make: Callable[[], pd.DataFrame], write: Callable[[pd.DataFrame], bytes]) -> Callable[[], bytes]:
    return lambda: write(make())


def _subtitles(make: Callable[[], pd.DataFrame]) -> dict[str, Callable[[], bytes]]:
    """.srt and .vtt of the answers (hand edits included) at the original times, when every row has times."""
    run, df = S.row_run(), S.get(S.TABLE).df
    timed = S.memo("rows.timed", S.upload().id, lambda: has_timings(df))
    key = (run.run_id, run.version, S.get(S.EDITS_VERSION), S.upload().id)
    said = S.memo("rows.any_answer", key, lambda: any(a.strip() for a in answers(run.results, S.get(S.EDITS), len(df))))
    if not timed or not said:
        return {}
    output, speaker = run.output_column, S.get(S.SPEAKER_COL)
    speaker = speaker if speaker in df.columns else None
    return {
        "srt": _later(make, lambda table: to_srt(table, output).encode("utf-8")),
        "vtt": _later(make, lambda table: to_vtt(table, output, speaker).encode("utf-8")),
    }


def downloads() -> None:
    """CSV (UTF-8 with BOM, opens in Excel with Korean intact) and XLSX of the edited table; subtitles if timed."""
    stem = f"{Path(S.upload().name).stem}_{S.row_run().output_column}"
    make = runs.table_maker()
    subtitles = _subtitles(make)
    left, right, *more = st.columns(4 if subtitles else 2)
    for column, fmt, write, mime in (
        (left, "csv", to_csv_bytes, "text/csv"),
        (right, "xlsx", to_xlsx_bytes, XLSX_MIME),
    ):
        column.download_button(
            t(f"rows.download_{fmt}"),
            _later(make, write),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            icon="⬇️",
            key=f"d.{fmt}",
            on_click="ignore",
            width="stretch",
        )
    for column, (fmt, data) in zip(more, subtitles.items()):
        column.download_button(
            t(f"rows.download_{fmt}"),
            data,
            file_name=f"{stem}.{fmt}",
            mime=SUBTITLE_MIME[fmt],
            icon="🎬",
            key=f"d.{fmt}",
            on_click="ignore",
            width="stretch",
            help=t("rows.download_subtitles_help"),
        )
