"""Regenerate the sample files from samples.toml: `python sample_data/make_samples.py`."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).parent


def _transcript(lines: list[list[str]]) -> str:
    return "\n".join(f"{who}: {text}" for who, text in lines) + "\n"


def _workbook(rows: list[list[str]], notes: list[list[str]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "발화목록"
    ws.append(["번호", "화자", "발화"])
    for n, (who, text) in enumerate(rows, start=1):
        ws.append([n, who, text])
    ws.column_dimensions["C"].width = 70
    for cell in ws[1]:
        cell.font = Font(bold=True)
    memo = wb.create_sheet("메모")
    memo.append(["항목", "내용"])
    for row in notes:
        memo.append(row)
    wb.save(HERE / "utterances_ko.xlsx")


def _cp949_csv(rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # as Excel on Korean Windows saves "CSV (쉼표로 분리)"
    writer.writerow(["번호", "화자", "발화"])
    for n, (who, text) in enumerate(rows, start=1):
        writer.writerow([n, who, text])
    (HERE / "utterances_ko_cp949.csv").write_bytes(buf.getvalue().encode("cp949"))


def _clock(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _zoom_vtt(lines: list[list[str]]) -> str:
    """A Zoom cloud-recording transcript: numbered cues, "Name: text", times paced by the length of what is said."""
    cues, start = ["WEBVTT", ""], 0.0
    for n, (who, text) in enumerate(lines, start=1):
        end = start + 1.0 + 0.16 * len(text)
        cues += [str(n), f"{_clock(start)} --> {_clock(end)}", f"{who}: {text}", ""]
        start = end + 0.4
    return "\n".join(cues)


def main() -> None:
    """Write every sample file."""
    data = tomllib.loads((HERE / "samples.toml").read_text(encoding="utf-8"))
    (HERE / "meeting_ko.txt").write_text(_transcript(data["meeting_ko"]["lines"]), encoding="utf-8")
    (HERE / "meeting_en.txt").write_text(_transcript(data["meeting_en"]["lines"]), encoding="utf-8")
    (HERE / "meeting_ko_zoom.vtt").write_text(_zoom_vtt(data["meeting_ko"]["lines"]), encoding="utf-8")
    _workbook(data["utterances_ko"]["rows"], data["utterances_ko"]["notes"])
    _cp949_csv(data["utterances_ko"]["rows"])


if __name__ == "__main__":
    main()
