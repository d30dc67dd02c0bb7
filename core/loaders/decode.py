"""Bytes to text whatever Korean users throw at it: BOMs, UTF-8, UTF-16, CP949; detected, never garbled silently."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from core.errors import InputError

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# EUC-KR is a subset of CP949, so a Korean legacy file is read as CP949 and never loses a character.
SAMPLE = 200_000
CONTROL_SHARE = 0.05
CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
# The 2,350 everyday Hangul syllables of KS X 1001: real Korean is made of these, while Chinese or
# Japanese bytes misread as CP949 mostly land elsewhere.
COMMON_HANGUL = frozenset(
    bytes([lead, trail]).decode("euc_kr") for lead in range(0xB0, 0xC9) for trail in range(0xA1, 0xFF)
)


@dataclass(frozen=True)
class Decoded:
    """Text (NFC, LF line ends) and the encoding it was read with."""

    text: str
    encoding: str


def _bom(data: bytes) -> str | None:
    return next((enc for bom, enc in BOMS if data.startswith(bom)), None)


def _plausible(text: str) -> bool:
    """Mostly letters of scripts people write here, with some ASCII: not bytes read in the wrong order."""
    if not text:
        return False
    ascii_share = sum(ch.isascii() for ch in text) / len(text)
    usual = sum(
        ch.isascii()
        or "\uac00" <= ch <= "\ud7a3"
        or "\u3130" <= ch <= "\u318f"
        or "\u1100" <= ch <= "\u11ff"
        or "\u2000" <= ch <= "\u303f"
        or "\u00a0" <= ch <= "\u024f"
        for ch in text
    )
    return ascii_share >= 0.1 and usual / len(text) >= 0.9


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes, and a clean, plausible decode in one byte order."""
    if b"\x00" not in data[:4000] or len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data[:4000].decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text) and not _looks_binary(text):
            return encoding
    return None


def _hangul(text: str) -> int:
    return sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3")


def _mixed(data: bytes, bad: UnicodeDecodeError) -> bool:
    """Valid UTF-8 Korean next to bytes that are not UTF-8: two encodings pasted into one file."""
    # Only Hangul syllables count: CP949 byte pairs often happen to form valid 2-byte UTF-8, never these
    # (a 3-byte one by accident is rare, two in a row before the first bad byte rarer still).
    before = data[: min(bad.start, SAMPLE)].decode("utf-8", errors="ignore")  # the cut may split a character
    return _hangul(before) >= 2 or _hangul(data[:SAMPLE].decode("utf-8", errors="replace")) >= 10


def _korean(text: str) -> bool:
    """Mostly everyday Hangul among the non-ASCII letters: CP949 read as CP949, not as something else."""
    wide = [ch for ch in text[:SAMPLE] if not ch.isascii() and ch.isalpha()]
    return bool(wide) and sum(ch in COMMON_HANGUL for ch in wide) / len(wide) >= 0.9


def _binary_bytes(sample: bytes) -> bool:
    """NULs or many control bytes, which no legacy text encoding uses inside a character."""
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return b"\x00" in sample or controls / max(1, len(sample)) > CONTROL_SHARE


def _looks_binary(text: str) -> bool:
    sample = text[:SAMPLE]
    if not sample:
        return False
    controls = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\f\v") or ch == "\x7f")
    head = sample[:5000]
    odd = sum(1 for ch in head if ch == "\ufffd" or unicodedata.category(ch) in ("Cn", "Co", "Cs"))
    return "\x00" in sample or controls / len(sample) > CONTROL_SHARE or odd / len(head) > CONTROL_SHARE


def _legacy(data: bytes, name: str, bad: UnicodeDecodeError) -> tuple[str, str]:
    if _mixed(data, bad):
        line = data.count(b"\n", 0, bad.start) + 1
        raise InputError(
            f"{name or 'The file'} mixes text encodings: part is UTF-8 but line {line} is "
            "not (CP949/EUC-KR?); save it again as UTF-8.",
            code="input.mixed_encoding",
            name=name,
            line=line,
        )
    try:
        text = data.decode("cp949")
        if _plausible(text[:SAMPLE]) or _korean(text):
            return text, "cp949"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # costs ~0.1 s to import: only for other legacy files

    best = from_bytes(data[:SAMPLE]).best()
    encoding = best.encoding if best is not None else None
    if encoding and encoding.lower().startswith(("cp125", "iso8859", "latin")):
        encoding = "cp1252"  # short Western files fool the detector; Windows-1252 is by far the likeliest
    try:
        if encoding:
            return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        pass
    raise InputError(
        f"{name or 'The file'} is not text in an encoding we can recognise (tried UTF-8, UTF-16 and CP949/EUC-KR).",
        code="input.encoding",
        name=name,
    )


def decode(data: bytes, name: str = "") -> Decoded:
    """Decode a text file's bytes: BOM, then strict UTF-8, then UTF-16 and legacy detection; NFC, LF."""
    encoding = _bom(data) or _utf16_without_bom(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(
                f"{name or 'The file'} says it is {encoding} but is damaged.", code="input.encoding", name=name
            ) from None
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as bad:
            if _binary_bytes(data[:SAMPLE]):
                raise InputError(
                    f"{name or 'The file'} looks like a binary file, not text.", code="input.binary", name=name
                ) from None
            text, encoding = _legacy(data, name, bad)
    if _looks_binary(text):
        raise InputError(f"{name or 'The file'} looks like a binary file, not text.", code="input.binary", name=name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return Decoded(unicodedata.normalize("NFC", text), encoding.lower())
