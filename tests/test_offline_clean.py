"""Offline 대본 정리: fillers and stutters out, content words all kept, spacing fixed."""
from collections import Counter
from pathlib import Path

import pytest

from core.loaders import load_path
from core.offline.clean import clean_text, default_fillers, make_fillers

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.mark.parametrize("before, after", [
    ("음 그러니까 어 제가 제가 말씀드린 거는 일정이 늦어진다는 거죠", "제가 말씀드린 거는 일정이 늦어진다는 거죠"),
    ("네, 좋아요. 저 저는 디자인부터 말씀드릴게요.", "네, 좋아요. 저는 디자인부터 말씀드릴게요."),
    ("그 그게 문서가 바뀌어서, 뭐랄까, 한 일주일 정도요.", "그게 문서가 바뀌어서 한 일주일 정도요."),
    ("막, 급한 건 아니에요", "급한 건 아니에요"),
    ("아 네 맞아요", "네 맞아요"),
    ("So, you know, we got about four hundred responses, which is, like, double.",
     "We got about four hundred responses, which is double."),
    ("I I think we could merge them.", "I think we could merge them."),
    ("Um, mostly that the guide is too long .", "Mostly that the guide is too long."),
    ("I like this design ,and   it works!", "I like this design, and it works!"),
])
def test_fillers_and_stutters_go(before, after):
    assert clean_text(before) == after


@pytest.mark.parametrize("kept", [
    "그 사람이 이제 시작합니다",      # 그 = that, 이제 = now: content here
    "저는 그 색상이 좋아요",
    "이제 시작합니다",
    "I like this design",           # like = a verb
    "Well water is cold",
    "좀 더 빨리 해 주세요",
])
def test_ambiguous_words_in_content_positions_are_kept(kept):
    assert clean_text(kept) == kept


def words(text):
    return Counter(w.strip(",.!?…~").lower() for w in text.split() if w.strip(",.!?…~"))


@pytest.mark.parametrize("sample", ["meeting_ko.txt", "meeting_en.txt", "utterances_ko_cp949.csv"])
def test_every_content_word_of_the_samples_is_kept(sample):
    table = load_path(SAMPLES / sample)
    fillers = default_fillers()
    allowed = fillers.words | {w for phrase in fillers.phrases for w in phrase}
    for text in table.df[table.text_column]:
        before, after = words(text), words(clean_text(text))
        removed = before - after
        assert not (after - before), (text, clean_text(text))
        # only fillers go, or a repeat / cut-off start of a word that stays ("제가 제가", "그 그게")
        assert all(w in allowed or after[w] > 0 or any(o.startswith(w) for o in after) for w in removed), \
            (text, removed)


def test_samples_lose_their_fillers():
    table = load_path(SAMPLES / "meeting_ko.txt")
    always = default_fillers().always
    cleaned = [clean_text(t) for t in table.df["text"]]
    assert not any(w in always for t in cleaned for w in words(t))
    assert sum(len(t) for t in cleaned) < sum(len(t) for t in table.df["text"])


def test_an_edited_filler_list_is_used():
    fillers = make_fillers(always=["음", "진짜"], positional=[], phrases=[])
    assert clean_text("음 진짜 좋아요 그러니까요", fillers) == "좋아요 그러니까요"


def test_deterministic():
    text = "음 그러니까 어 제가 제가 말씀드린 거는"
    assert clean_text(text) == clean_text(text)
