"""XLSX: the zip checked before anything is inflated, then read with python-calamine (cached values only)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib

import pandas as pd

from core.errors import InputError
from core.loaders.columns import check_rows, header_table
from core.settings import Limits

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted OOXML workbook is an OLE2 container holding an "EncryptionInfo" stream (names are UTF-16).
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
MIN_BOMB_BYTES = 10 * 1024 * 1024
PROLOG_BYTES = 64 * 1024
# What the zip module raises for damaged archives, damaged deflate data and unsupported or encrypted members.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)
# What may precede the root element: declaration, processing instructions, comments, space.
PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)


def _bad(name: str, why: str, code: str) -> InputError:
    return InputError(f"{name} {why}", code=f"input.{code}", name=name)


def check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse what is not a workbook, is damaged, would inflate too far, or declares XML entities."""
    if data.startswith(OLE2_MAGIC) and ENCRYPTED_MARK in data:
        raise _bad(
            name, "is password-protected: open it in Excel, remove the password and save it as .xlsx.", "encrypted"
        )
    if data.startswith(OLE2_MAGIC):
        raise _bad(
            name,
            "is an old Excel 97-2003 (.xls) file or password-protected: open it in Excel and save it "
            "as .xlsx without a password.",
            "encrypted",
        )
    if not data.startswith(ZIP_MAGIC):
        raise _bad(name, "is not a real Excel file (it is not a zip archive).", "not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_members(zf, name, limits)
    except ZIP_ERRORS:
        raise _bad(name, "is damaged or cut short (the zip archive cannot be read).", "damaged") from None


def _check_members(zf: zipfile.ZipFile, name: str, limits: Limits) -> None:
    infos = zf.infolist()
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise _bad(name, "is a zip archive but not an Excel workbook.", "not_xlsx")
    if sum(i.file_size for i in infos) > limits.max_unzipped_bytes:
        raise _bad(
            name,
            f"would unpack to more than {limits.max_unzipped_bytes // (1024 * 1024):,} MB (a zip bomb?); refused.",
            "zip_bomb",
        )
    for info in infos:
        if info.file_size > MIN_BOMB_BYTES and info.file_size > limits.max_zip_ratio * max(1, info.compress_size):
            raise _bad(
                name,
                f"contains a part that inflates {info.file_size // max(1, info.compress_size):,}× "
                "(a zip bomb?); refused.",
                "zip_bomb",
            )
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with zf.open(info) as fh:
                _check_prolog(fh.read(PROLOG_BYTES), name)


def _check_prolog(head: bytes, name: str) -> None:
    """Refuse a DTD (entity declarations): it can only come before the root element, so the head suffices."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    rest = head[PROLOG.match(head).end() :]
    if (
        b"<!DOCTYPE" in head[:1024]
        or b"<!ENTITY" in head[:1024]
        or rest.startswith(b"<!")
        or (not rest and len(head) == PROLOG_BYTES)
    ):
        raise _bad(name, "declares XML entities, which Excel never writes; refused as unsafe.", "xml_entities")


def _cell(value: object) -> str:
    """A cell as Excel shows it by default: 15 significant digits, TRUE/FALSE, ISO dates."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, dt.timedelta):
        minutes, seconds = divmod(round(value.total_seconds()), 60)
        return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds").removesuffix(" 00:00:00")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return "" if value is None else str(value)


def _workbook(data: bytes, name: str):
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _bad(name, "is password-protected: save it again without a password.", "encrypted") from None
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise _bad(name, f"cannot be read as a workbook ({type(exc).__name__}).", "damaged") from None


def parse(data: bytes, name: str, limits: Limits, sheet: str | None) -> tuple[pd.DataFrame, list[str], str]:
    """(table, all sheet names, the sheet read); the first sheet unless one is named."""
    check_zip(data, name, limits)
    book = _workbook(data, name)
    sheets = list(book.sheet_names)
    chosen = sheet if sheet is not None else (sheets[0] if sheets else None)
    if chosen not in sheets:
        raise InputError(
            f"{name} has no sheet named '{sheet}'. Sheets: {', '.join(sheets)}",
            code="input.no_sheet",
            name=name,
            sheet=sheet,
            sheets=sheets,
        )
    try:
        # Room for blank rows between the data; a sheet cut short here is refused, never silently truncated.
        cap = 2 * limits.max_rows + 2
        grid = book.get_sheet_by_name(chosen).to_python(skip_empty_area=True, nrows=cap)
    except Exception as exc:
        raise _bad(name, f"sheet '{chosen}' cannot be read ({type(exc).__name__}).", "damaged") from None
    if len(grid) >= cap:
        check_rows(len(grid), f"{name} [{chosen}]", limits)
    rows = [[_cell(v) for v in row] for row in grid]
    return header_table(rows, f"{name} [{chosen}]", limits), sheets, chosen
