"""Decoding: every encoding Korean users send is detected; nothing is garbled silently."""

import codecs
import unicodedata

import pytest

from core.errors import InputError
from core.loaders.decode import decode

TEXT = "김민수: 음 그러니까 회의를 시작할게요.\r\n이지은: 네, 좋아요!"
EXPECTED = TEXT.replace("\r\n", "\n")


@pytest.mark.parametrize(
    "encoding, reported",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("cp949", "cp949"),
        ("euc-kr", "cp949"),
        ("utf-32", "utf-32"),
    ],
)
def test_korean_in_every_encoding(encoding, reported):
    decoded = decode(TEXT.encode(encoding), "x.txt")
    assert decoded.text == EXPECTED and decoded.encoding == reported


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_the_bom_is_not_part_of_the_text(bom):
    codec = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}[bom]
    assert decode(bom + "번호,발화".encode(codec)).text == "번호,발화"


def test_cp949_only_characters_survive():
    text = "똠방각하 햏 뷁 쌰"  # outside EUC-KR's 2,350 syllables: CP949 holds them
    assert decode(text.encode("cp949")).text == text


@pytest.mark.parametrize("word", ["안녕하세요", "감사합니다", "네"])
def test_a_short_cp949_word_without_spaces_is_still_korean(word):
    decoded = decode(word.encode("cp949"))
    assert (decoded.text, decoded.encoding) == (word, "cp949")


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("我们今天开会讨论一下项目进度。\n" * 3, "gb18030"),
        ("こんにちは、今日はいい天気ですね。\n" * 3, "cp932"),
    ],
)
def test_other_legacy_encodings_are_not_forced_into_cp949(text, encoding):
    source = {"gb18030": "gbk", "cp932": "shift_jis"}[encoding]
    decoded = decode(text.encode(source))
    assert decoded.text == text and decoded.encoding == encoding


def test_western_legacy_text_is_read_as_windows_1252():
    decoded = decode("café déjà vu, naïve résumé".encode("cp1252"))
    assert decoded.text == "café déjà vu, naïve résumé" and decoded.encoding == "cp1252"


def test_nfd_from_macos_becomes_nfc_and_line_ends_become_lf():
    raw = unicodedata.normalize("NFD", "한글 파일\r이름\r\n끝").encode("utf-8")
    assert decode(raw).text == "한글 파일\n이름\n끝"


def test_utf16_without_a_bom_is_recognised():
    decoded = decode("speaker,text\nKim,안녕하세요\n".encode("utf-16-le"))
    assert decoded.text == "speaker,text\nKim,안녕하세요\n" and decoded.encoding == "utf-16-le"


@pytest.mark.parametrize(
    "data, words",
    [
        (bytes(range(256)) * 10, ["binary"]),
        (bytes(range(1, 256)) * 10, ["binary"]),  # control-heavy without a single NUL
        (b"\xff\xfe\xfd" * 50, ["binary"]),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), ["binary"]),
        ("한글 텍스트입니다\n".encode() * 3 + "한글 더\n".encode("cp949") * 3, ["mixes", "line 4"]),
        ("네 알겠어요\n".encode() + "아니요 그건 좀\n".encode("cp949"), ["mixes", "line 2"]),
        (
            "가나다라 \n".encode() * 20_001 + "아니요\n".encode("cp949"),
            ["mixes", "line 20002"],
        ),  # sample cut mid-character
        ("아니요 그건 좀 어렵습니다\n".encode("cp949") * 3 + "네 알겠어요 감사합니다\n".encode() * 3, ["mixes"]),
    ],
)
def test_undecodable_input_is_refused_by_name(data, words):
    with pytest.raises(InputError) as err:
        decode(data, "upload.txt")
    assert "upload.txt" in err.value.message
    assert all(word in err.value.message for word in words), err.value.message
