"""Bytes to text whatever Korean users throw at it: BOMs, UTF-8, UTF-16, CP949; detected, never garbled silently."""

from __future__ import annotations

import codecs
import re
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
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
WIDE_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")  # a letter outside ASCII
# Punctuation Windows-1252 adds to Latin-1 (quotes, dashes, ellipsis, euro), and Latin-1's own signs.
WESTERN_MARKS = frozenset("\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022\u20ac\u2122\u00a0\u00a1-\u00bf")
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


def _samples(text: str, size: int = SAMPLE // 16) -> str:
    """The start, middle and end of a text: evidence from the whole file at the cost of a small part of it."""
    if len(text) <= 3 * size:
        return text
    middle = len(text) // 2
    return text[:size] + text[middle - size // 2 : middle + size // 2] + text[-size:]


def _korean(text: str) -> bool:
    """Mostly everyday Hangul among the non-ASCII letters: CP949 read as CP949, not as something else."""
    wide = WIDE_LETTER.findall(_samples(text))
    return bool(wide) and sum(ch in COMMON_HANGUL for ch in wide) / len(wide) >= 0.9


def _western(text: str) -> bool:
    """Latin text with some accented letters: Windows-1252 read as such, not CJK bytes misread as Latin-1."""
    sample = _samples(text)
    letters = [ch for ch in sample if ch.isalpha()]
    accented = [ch for ch in letters if not ch.isascii()]
    odd = sum(1 for ch in sample if not ch.isascii() and not ch.isalpha() and ch not in WESTERN_MARKS)
    latin = all("\u00c0" <= ch <= "\u024f" for ch in accented)
    return bool(letters) and latin and len(accented) <= 0.3 * len(letters) and odd <= len(sample) // 200


def _utf8_korean(line: bytes) -> bool:
    """A line of UTF-8 Korean: valid UTF-8 with Hangul syllables, and not Korean when read as CP949."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if _hangul(text) < 2:
        return False
    try:
        return not _korean(line.decode("cp949"))
    except UnicodeDecodeError:
        return True


def _mixed_line(data: bytes) -> int | None:
    """In a file where some lines are UTF-8 Korean, the first line that is not UTF-8: two encodings pasted together.

    Decided line by line over the whole file, so a CP949 file whose bytes happen to form a UTF-8 syllable here
    and there is not taken for a mixed one.
    """
    first_bad: int | None = None
    utf8 = False
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        if _utf8_korean(line):
            utf8 = True
        elif first_bad is None and _strict(line, "utf-8") is None:
            first_bad = number
        if utf8 and first_bad is not None:
            return first_bad
    return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _binary_bytes(sample: bytes) -> bool:
    """NULs or many control bytes, which no legacy text encoding uses inside a character."""
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return b"\x00" in sample or controls / max(1, len(sample)) > CONTROL_SHARE


def _looks_binary(text: str) -> bool:
    sample = text[:SAMPLE]
    if not sample:
        return False
    controls = len(CONTROL_CHARS.findall(sample))
    head = sample[:5000]
    odd = sum(1 for ch in head if ch == "\ufffd" or unicodedata.category(ch) in ("Cn", "Co", "Cs"))
    return "\x00" in sample or controls / len(sample) > CONTROL_SHARE or odd / len(head) > CONTROL_SHARE


def _legacy(data: bytes, name: str) -> tuple[str, str]:
    """Not UTF-8: CP949 when the whole file is CP949 Korean, a refusal when two encodings are mixed, else guessed."""
    cp949 = _strict(data, "cp949")
    if cp949 is not None and _korean(cp949):
        return cp949, "cp949"
    line = _mixed_line(data)
    if line is not None:
        raise InputError(
            f"{name or 'The file'} mixes text encodings: part is UTF-8 but line {line} is "
            "not (CP949/EUC-KR?); save it again as UTF-8.",
            code="input.mixed_encoding",
            name=name,
            line=line,
        )
    if cp949 is not None and _plausible(_samples(cp949)):
        return cp949, "cp949"
    western = _strict(data, "cp1252")
    if western is not None and _western(western):
        return western, "cp1252"
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
        except UnicodeDecodeError:
            if _binary_bytes(data[:SAMPLE]):
                raise InputError(
                    f"{name or 'The file'} looks like a binary file, not text.", code="input.binary", name=name
                ) from None
            text, encoding = _legacy(data, name)
    if _looks_binary(text):
        raise InputError(f"{name or 'The file'} looks like a binary file, not text.", code="input.binary", name=name)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\ufeff")
    return Decoded(unicodedata.normalize("NFC", text), encoding.lower())
