"""Download buttons: a table as CSV (UTF-8 with BOM, so Excel reads Korean) and XLSX side by side, and one file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ui.i18n import t

MIMES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".srt": "application/x-subrip",
    ".vtt": "text/vtt",
}
Data = bytes | Callable[[], bytes]  # a callable is called when the button is clicked (for slow files)


def button(where: Any, label: str, data: Data, file_name: str, key: str, icon: str = "⬇️", **kw: Any) -> None:
    """One full-width download button that does not rerun the page when clicked."""
    where.download_button(
        label,
        data,
        file_name=file_name,
        mime=MIMES[Path(file_name).suffix],
        icon=icon,
        key=key,
        on_click="ignore",
        width="stretch",
        **kw,
    )


def table_pair(where: tuple[Any, Any], stem: str, csv: Data, xlsx: Data, key: str, labels: str = "rows") -> None:
    """CSV and XLSX of one table in two columns; `labels` is the locale section of the button texts."""
    left, right = where
    button(left, t(f"{labels}.download_csv"), csv, f"{stem}.csv", f"d.{key}csv")
    button(right, t(f"{labels}.download_xlsx"), xlsx, f"{stem}.xlsx", f"d.{key}xlsx")
