"""Bad files, made on the fly: each is (file name, bytes), built cheaply even when it claims to be huge."""

from __future__ import annotations

import io
import struct
import zipfile

import openpyxl

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
SHEET = "xl/worksheets/sheet1.xml"
SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024


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


def with_sheet_xml(sheet_xml: bytes, level: int = 6) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `sheet_xml`, as Excel or an attacker might write it."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good_xlsx([["a"], ["b"]]))) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item.filename, sheet_xml if item.filename == SHEET else src.read(item.filename))
    return out.getvalue()


def formulas_xlsx() -> bytes:
    """Formulas as Excel saves them: the formula and its cached value (=1+1 cached as 2, a text formula as "ab")."""
    return with_sheet_xml(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ' + SHEET_NS + b"><sheetData>"
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xed\x95\xa9\xea\xb3\x84</t></is></c>'  # 합계
        b'<c r="B1" t="inlineStr"><is><t>label</t></is></c></row>'
        b'<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>'
        b'<row r="3"><c r="A3"><f>A2*10</f><v>20</v></c><c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        b"</sheetData></worksheet>"
    )


def entity_expansion() -> bytes:
    """A workbook whose sheet XML declares nested entities ("billion laughs")."""
    return with_sheet_xml(
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b']><worksheet><sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )


def doctype_after_padding() -> bytes:
    """The same attack hidden behind 10 KB of comment, past where a naive scan of the first bytes would look."""
    return with_sheet_xml(
        b'<?xml version="1.0"?><!--' + b"x" * 10_000 + b"-->"
        b'<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>'
    )


def zip_bomb(gigabytes: float = 1.0) -> bytes:
    """An .xlsx whose sheet inflates to about `gigabytes` GB from about 4.5 MB, written in a streaming fashion."""
    buf = io.BytesIO()
    # Level 1 compresses 4x faster than 9 and still packs 230:1, past the default 200:1 ratio limit.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        with zf.open(SHEET, "w", force_zip64=True) as fh:
            chunk = bytes(16 * MB)
            for _ in range(int(64 * gigabytes)):
                fh.write(chunk)
    return buf.getvalue()


def ratio_bomb() -> bytes:
    """A small bomb: 20 MB from 20 KB, far below the size limit but 1000× compressed."""
    return with_sheet_xml(b"<worksheet>" + b" " * (20 * MB) + b"</worksheet>", level=9)


def lying_sizes() -> bytes:
    """A workbook whose sheet claims 1,000 bytes in the zip directory but inflates to 2 MB."""
    rows = b'<row><c t="inlineStr"><is><t>' + b"x" * 100 + b"</t></is></c></row>"
    data = bytearray(
        with_sheet_xml(b"<worksheet " + SHEET_NS + b"><sheetData>" + rows * 15_000 + b"</sheetData></worksheet>")
    )
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
    struct.pack_into("<I", data, info.header_offset + 22, 1000)  # local header: uncompressed size
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + length] == SHEET.encode():
            struct.pack_into("<I", data, entry + 24, 1000)  # central directory: uncompressed size
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)


def corrupt_member() -> bytes:
    """A workbook with an intact zip directory but garbage in the middle of its sheet's compressed data."""
    data = bytearray(good_xlsx([["화자", "발화"], *[["김", f"안녕하세요 {i}"] for i in range(200)]]))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 10 : start + 60] = bytes(range(50))
    return bytes(data)


def ole2(encrypted: bool) -> bytes:
    """The start of an OLE2 file: an old .xls, or (with an EncryptionInfo stream) a password-protected .xlsx."""
    body = bytearray(4096)
    if encrypted:
        body[1024 : 1024 + 28] = "EncryptionInfo".encode("utf-16-le")
    return OLE2 + bytes(body)


def corpus() -> dict[str, tuple[str, bytes, str]]:
    """Every bad input: id -> (file name, bytes, words the refusal must contain)."""
    xlsx = good_xlsx([["화자", "발화"], ["김", "안녕"]])
    return {
        "empty": ("empty.csv", b"", "empty"),
        "whitespace": ("blank.txt", b"  \n\t\n ", "empty"),
        "bom_only": ("bom.csv", b"\xef\xbb\xbf", "empty"),
        "utf16_spaces": ("spaces.txt", "  \n  ".encode("utf-16"), "empty"),
        "binary": ("photo.csv", bytes(range(256)) * 40, "binary"),
        "unknown_binary": ("scan.bin", bytes(range(256)) * 40, "Supported files: .txt, .csv"),
        "nul_bytes": ("nul.txt", b"abc\x00def\x00" * 100, "binary"),
        "png_as_txt": ("notes.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
        "not_zip_xlsx": ("report.xlsx", b"\x00\x01this is not a zip at all", "not a real Excel file"),
        "binary_xlsx": ("report.xlsx", bytes(range(1, 256)) * 20, "not a real Excel file"),
        "truncated_xlsx": ("cut.xlsx", xlsx[: len(xlsx) // 2], "damaged"),
        "corrupt_member": ("corrupt.xlsx", corrupt_member(), "damaged"),
        "lying_sizes": ("liar.xlsx", lying_sizes(), "damaged"),
        "zip_not_workbook": ("doc.xlsx", _zip({"word/document.xml": b"<w/>"}), "not an Excel workbook"),
        "password_xlsx": ("secret.xlsx", ole2(encrypted=True), "password-protected"),
        "old_xls": ("old.xlsx", ole2(encrypted=False), "97-2003"),
        "entity_expansion": ("lol.xlsx", entity_expansion(), "entities"),
        "doctype_after_padding": ("lol2.xlsx", doctype_after_padding(), "entities"),
        "ratio_bomb": ("small_bomb.xlsx", ratio_bomb(), "zip bomb"),
        "huge_line": ("one_line.txt", b"a" * (30 * MB), "line 1 is 31,457,280 characters"),
        "huge_line_csv": ("one_line.csv", b"a,b\n" + b"x," * (15 * MB), "line 2"),
        "huge_cell_csv": ("cell.csv", b"a,b\n1,2\n3," + b"x" * 150_000 + b"\n", "line 3"),
        "unclosed_quote": ("quote.csv", b'a,b\n1,2\n3,"never closed\n4,5\n', "quote opened on line 3"),
        "header_only": ("header.csv", "화자,발화\r\n".encode("cp949"), "header but no rows"),
        "header_only_xlsx": ("header.xlsx", good_xlsx([["화자", "발화"]]), "header but no rows"),
        "empty_sheet": ("blank.xlsx", good_xlsx([]), "no data"),
        "mixed_encodings": (
            "mixed.txt",
            "한글 텍스트입니다\n".encode() * 5 + "한글 더\n".encode("cp949") * 5,
            "mixes text encodings",
        ),
        "mixed_short": ("mixed2.csv", "네 알겠어요\n".encode() + "아니요 그건 좀\n".encode("cp949"), "line 2"),
        "too_large": ("big.csv", b"a,b\n" + b"1,2\n" * 10, "limit"),
        "too_many_rows": ("rows.csv", b"a\n" + b"x\n" * 30, "more than 10 rows"),
        "too_many_rows_spaced": ("spaced.csv", b"a\n" + b"x\n\n\n" * 30, "more than 10 rows"),
        "too_many_rows_xlsx": ("rows.xlsx", good_xlsx([["a"], *[["x"], [None]] * 30]), "more than 10 rows"),
    }


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()
