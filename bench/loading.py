"""XLSX read of 100,000 rows: our loader vs pandas.read_excel with its defaults."""

from __future__ import annotations

import io
import time

import pandas as pd
from openpyxl import Workbook

from core.loaders import load_bytes


def make_xlsx(rows: int) -> bytes:
    """A workbook of `rows` Korean utterances (written with openpyxl's streaming writer)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("발화목록")
    ws.append(["번호", "화자", "발화", "메모"])
    for i in range(rows):
        ws.append([i + 1, f"참석자 {i % 7}", f"음 그러니까 {i}번째 발화는 일정에 관한 이야기입니다", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def xlsx_read(rows: int = 100_000, repeat: int = 2) -> dict:
    """Best-of-N seconds for each reader, and the ratio."""
    data = make_xlsx(rows)
    ours = _best(lambda: load_bytes("big.xlsx", data), repeat)
    theirs = _best(lambda: pd.read_excel(io.BytesIO(data)), repeat)
    table = load_bytes("big.xlsx", data)
    assert len(table.df) == rows
    return {"rows": rows, "ours": ours, "pandas_default": theirs, "speedup": theirs / ours}
