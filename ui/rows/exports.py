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
from ui import downloads
from ui import state as S
from ui.i18n import t
from ui.rows import runs
from ui.rows.window import answers


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


def download_buttons() -> None:
    """CSV (UTF-8 with BOM, opens in Excel with Korean intact) and XLSX of the edited table; subtitles if timed."""
    stem = f"{Path(S.upload().name).stem}_{S.row_run().output_column}"
    make = runs.table_maker()
    subtitles = _subtitles(make)
    left, right, *more = st.columns(4 if subtitles else 2)
    downloads.table_pair((left, right), stem, _later(make, to_csv_bytes), _later(make, to_xlsx_bytes), key="")
    for column, (fmt, data) in zip(more, subtitles.items()):
        downloads.button(
            column,
            t(f"rows.download_{fmt}"),
            data,
            f"{stem}.{fmt}",
            f"d.{fmt}",
            "🎬",
            help=t("rows.download_subtitles_help"),
        )
