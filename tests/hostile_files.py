"""Bad files, made on the fly: each is (file name, bytes), built cheaply even when it claims to be huge."""
from __future__ import annotations

import io
import zipfile

import openpyxl

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def good_xlsx(rows: list[list[object]], title: str = "Sheet1", merge: str | None = None) -> bytes:
    """A real workbook written by openpyxl."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bomb(gigabytes: float = 1.0) -> bytes:
    """An .xlsx whose sheet inflates to about `gigabytes` GB from about 1 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (16 * 1024 * 1024)
            for _ in range(int(64 * gigabytes)):
                fh.write(chunk)
    return buf.getvalue()


def entity_expansion() -> bytes:
    """A workbook whose sheet XML declares nested entities ("billion laughs")."""
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b']><worksheet><sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    data = good_xlsx([["a"], ["b"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = lol if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            dst.writestr(item.filename, body)
    return out.getvalue()


def corpus() -> dict[str, tuple[str, bytes, str]]:
    """Every bad input: id -> (file name, bytes, a word the refusal must contain)."""
    xlsx = good_xlsx([["화자", "발화"], ["김", "안녕"]])
    return {
        "empty": ("empty.csv", b"", "empty"),
        "whitespace": ("blank.txt", b"  \n\t\n ", "empty"),
        "binary": ("photo.csv", bytes(range(256)) * 40, "binary"),
        "nul_bytes": ("nul.txt", b"abc\x00def\x00" * 100, "binary"),
        "png_as_txt": ("notes.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
        "not_zip_xlsx": ("report.xlsx", b"\x00\x01this is not a zip at all", "not a real Excel"),
        "truncated_xlsx": ("cut.xlsx", xlsx[: len(xlsx) // 2], "damaged"),
        "zip_not_workbook": ("doc.xlsx", _zip({"word/document.xml": b"<w/>"}), "not an Excel workbook"),
        "password_xlsx": ("secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "password"),
        "entity_expansion": ("lol.xlsx", entity_expansion(), "entities"),
        "huge_line": ("one_line.txt", b"a" * (30 * 1024 * 1024), "limit"),
        "header_only": ("header.csv", "화자,발화\r\n".encode("cp949"), "header but no rows"),
        "mixed_encodings": ("mixed.txt", "한글 텍스트입니다\n".encode() * 5 + "한글 더\n".encode("cp949") * 5,
                            "mixes text encodings"),
        "too_large": ("big.csv", b"a,b\n" + b"1,2\n" * 10, "limit"),
        "too_many_rows": ("rows.csv", b"a\n" + b"x\n" * 30, "rows"),
    }


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()
