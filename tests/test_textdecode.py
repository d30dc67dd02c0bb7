"""Decoding: every encoding Korean users send is detected; nothing is garbled silently."""
import unicodedata

import pytest

from core.errors import InputError
from core.textdecode import decode

TEXT = "김민수: 음 그러니까 회의를 시작할게요.\r\n이지은: 네, 좋아요!"
EXPECTED = TEXT.replace("\r\n", "\n")


@pytest.mark.parametrize("encoding, reported", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"), ("cp949", "cp949"), ("euc-kr", "cp949"), ("utf-32", "utf-32"),
])
def test_korean_in_every_encoding(encoding, reported):
    decoded = decode(TEXT.encode(encoding), "x.txt")
    assert decoded.text == EXPECTED and decoded.encoding == reported


def test_cp949_only_characters_survive():
    text = "똠방각하 햏 뷁 쌰"  # outside EUC-KR's 2,350 syllables: CP949 holds them
    assert decode(text.encode("cp949")).text == text


def test_western_legacy_text_is_read_as_windows_1252():
    decoded = decode("café déjà vu, naïve résumé".encode("cp1252"))
    assert decoded.text == "café déjà vu, naïve résumé" and decoded.encoding == "cp1252"


def test_nfd_from_macos_becomes_nfc_and_line_ends_become_lf():
    raw = unicodedata.normalize("NFD", "한글 파일\r이름\r\n끝").encode("utf-8")
    assert decode(raw).text == "한글 파일\n이름\n끝"


@pytest.mark.parametrize("data, word", [
    (bytes(range(256)) * 10, "binary"),
    (b"\xff\xfe\xfd" * 50, "binary"),
    ("한글 텍스트입니다".encode() * 3 + "한글 더".encode("cp949") * 3, "mixes"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "binary"),
])
def test_undecodable_input_is_refused_by_name(data, word):
    with pytest.raises(InputError) as err:
        decode(data, "upload.txt")
    assert word in err.value.message and "upload.txt" in err.value.message
