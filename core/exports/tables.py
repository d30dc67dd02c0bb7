"""Downloads that open cleanly in Excel: CSV as UTF-8 with BOM, XLSX with wrapped text, no live formulas."""

from __future__ import annotations

import io

import pandas as pd

from core.cells import cell_text

# OWASP CSV injection: a spreadsheet runs cells that start with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60


def neutralize(value: object) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would run it as a formula."""
    text = cell_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel shows Korean), CRLF line ends, formulas neutralized."""
    safe = df.map(neutralize)
    safe.columns = [neutralize(c) for c in df.columns]
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _width(values: list[str]) -> int:
    longest = max((max((len(line) for line in v.split("\n")), default=0) for v in values), default=0)
    return max(8, min(MAX_WIDTH, longest + 2))


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "results") -> bytes:
    """An XLSX workbook: bold frozen header, wrapped text, fitted widths; every cell is text, none a formula."""
    # openpyxl is imported here, not at the top: a CSV run need not wait ~0.15 s for it before its first request.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    wrap, bold = Alignment(wrap_text=True, vertical="top"), Font(bold=True)
    columns = [str(c) for c in df.columns]
    body = [[ILLEGAL_CHARACTERS_RE.sub("", cell_text(v)) for v in row] for row in df.itertuples(index=False)]
    for r, values in enumerate([columns, *body], start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value, cell.data_type, cell.alignment = value, "s", wrap
            cell.quotePrefix = value.startswith(FORMULA_STARTS)
            if r == 1:
                cell.font = bold
    for c, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = _width([name, *(row[c - 1] for row in body[:500])])
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """The table as 'csv' or 'xlsx' bytes."""
    return to_xlsx_bytes(df) if fmt == "xlsx" else to_csv_bytes(df)
