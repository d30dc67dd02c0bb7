"""Offline 대본 정리: fillers and stutters out, every content word kept, spacing fixed; the filler list is data."""

import re
from collections import Counter
from pathlib import Path

import pytest

from core.loaders import load_path
from core.offline.clean import clean_text, tidy_spacing
from core.offline.fillers import FILLERS, Fillers, default_fillers, fillers_from_list, make_fillers

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.mark.parametrize(
    "before, after",
    [
        # hesitations, wherever they stand, drawn out or not
        ("음 그러니까 어 제가 제가 말씀드린 거는 일정이 늦어진다는 거죠", "제가 말씀드린 거는 일정이 늦어진다는 거죠"),
        ("개발 쪽은 음… 로그인 화면은 끝났고", "개발 쪽은 로그인 화면은 끝났고"),
        ("으음 어어어 네 알겠습니다", "네 알겠습니다"),
        ("Ummm, uhh, mostly that the guide is too long .", "Mostly that the guide is too long."),
        ("그 그게 문서가 바뀌어서, 뭐랄까, 한 일주일 정도요.", "그게 문서가 바뀌어서 한 일주일 정도요."),
        ("그니까 뭐라고 해야 되지 애매해요", "애매해요"),
        # stutters: a word, or a run of words, said twice; a cut-off start
        ("제가 제가 확인해 볼게요.", "제가 확인해 볼게요."),
        ("I I think we could merge them.", "I think we could merge them."),
        ("그 그 그게 문제예요", "그게 문제예요"),
        ("we should do it in the in the morning", "we should do it in the morning"),
        ("th- the budget is fine", "the budget is fine"),
        ("we we- we need more time", "we need more time"),
        ("제- 제가 할게요", "제가 할게요"),
        # positional words in filler positions
        ("저 저는 디자인부터 말씀드릴게요.", "저는 디자인부터 말씀드릴게요."),
        ("그 제가 말씀드린 거는", "제가 말씀드린 거는"),
        ("네 그 그럼 오늘 안에 연락 주실 수 있어요?", "네 그럼 오늘 안에 연락 주실 수 있어요?"),
        ("그 그래요? 어디 있는지 잘 모르겠는데…", "그래요? 어디 있는지 잘 모르겠는데…"),
        ("막, 급한 건 아니에요", "급한 건 아니에요"),
        ("이제, 뭐, 시작해 보죠", "시작해 보죠"),
        ("이제 뭐랄까 시작해 보죠", "시작해 보죠"),
        ("음, 그러니까 제가 요청 넣을게요.", "제가 요청 넣을게요."),
        (
            "So, you know, we got about four hundred responses, which is, like, double.",
            "We got about four hundred responses, which is double.",
        ),
        ("Um, so we decided to ship.", "We decided to ship."),
        ("It's hard, you know.", "It's hard."),
        ("I mean, it works.", "It works."),
        ("Well, I guess so.", "I guess so."),
        # punctuation the fillers leave behind
        ("Okay, um, let's get started.", "Okay, let's get started."),
        ("Great. Now, uh, the roadmap.", "Great. Now, the roadmap."),
        ("Hmm. Could we, uh, cut it down?", "Could we cut it down?"),
        ("Um. So, uh, the budget.", "The budget."),
        ('"Um, hello," she said.', '"Hello," she said.'),
        ("It is done, um.", "It is done."),
        # lines of the samples where a positional word is content and stays
        (
            "어 근데 그 색상 말인데요, 접근성 기준은 맞춰야 되지 않을까요?",
            "근데 그 색상 말인데요, 접근성 기준은 맞춰야 되지 않을까요?",
        ),
        (
            "음 메인 화면 시안은 거의 나왔고요, 막 색상만 좀 더 정리하면 될 것 같아요.",
            "메인 화면 시안은 거의 나왔고요, 막 색상만 좀 더 정리하면 될 것 같아요.",
        ),
        ("아 진짜요? 저 내일 꼭 필요한 건데 어떡하죠?", "진짜요? 저 내일 꼭 필요한 건데 어떡하죠?"),
        ("Right, and step five is, like, optional anyway.", "Right, and step five is optional anyway."),
    ],
)
def test_fillers_and_stutters_go(before, after):
    assert clean_text(before) == after


@pytest.mark.parametrize(
    "kept",
    [
        "그 사람이 이제 시작합니다",  # 그 = that, 이제 = now
        "이제 시작합니다",  # clause-initial 이제 is read as "now"
        "음 이제 시작합니다",  # ... even after a hesitation (only 음 goes: checked below)
        "저는 그 색상이 좋아요",
        "저 사람이 누구예요?",  # 저 = that (over there)
        "저 내일 꼭 필요한 건데 어떡하죠?",  # 저 = I
        "그 그림을 봤어요",  # 그 + a noun that happens to start with 그
        "막 도착했어요",  # 막 = just
        "뭐 먹을래요?",  # 뭐 = what
        "약간 늦었어요",
        "좀 더 빨리 해 주세요",
        "이게 뭐지?",
        "네 네 알겠습니다",  # doubled on purpose
        "빨리 빨리 해 주세요",
        "2 0 4 8 1 5 이요.",  # digits are never merged
        "네. 네.",  # two answers, not a stutter
        "I like this design.",
        "Like I said, we ship Friday.",
        "So we decided to ship.",
        "Well water is cold.",
        "It went well, but not great.",
        "I think so, but not sure.",
        "Do you know the answer?",
        "What I mean is simple.",
        "I know that that is true.",
        "Is he here?",
        "It was kind of slow.",
        "He went to the ER.",  # an acronym, not "er"
        "The gap is 5 mm wide.",  # a unit, not "mm"
    ],
)
def test_ambiguous_words_in_content_positions_are_kept(kept):
    expected = kept.removeprefix("음 ")
    assert clean_text(kept) == expected


@pytest.mark.parametrize(
    "before, after",
    [
        ("우리가 회의를 했어요.그래서 결론이 났어요", "우리가 회의를 했어요. 그래서 결론이 났어요"),
        ("I like this design ,and   it works !", "I like this design, and it works!"),
        ("네 ,, 좋아요", "네, 좋아요"),
        ("가격은 1,000원이고 시간은 10:30입니다", "가격은 1,000원이고 시간은 10:30입니다"),
        ("We use .NET and version .5 here", "We use .NET and version .5 here"),
        ("e.g. the U.S. office", "e.g. the U.S. office"),
        ("  두 칸\t띄어 쓴   말  ", "두 칸 띄어 쓴 말"),
    ],
)
def test_spacing_around_punctuation(before, after):
    assert tidy_spacing(before) == after
    assert clean_text(before) == after


def test_lines_are_cleaned_one_by_one_and_filler_only_lines_go():
    assert clean_text("음 첫 줄이요\n어…\n  둘째 줄이요 ") == "첫 줄이요\n둘째 줄이요"
    assert clean_text("음… 어") == ""
    assert clean_text("") == ""


def test_the_default_lists_come_from_the_data_file():
    fillers = default_fillers()
    assert FILLERS.name == "fillers.toml" and FILLERS.exists()
    assert {"음", "어", "아", "뭐랄까", "um", "uh", "er"} <= set(fillers.always)
    assert {"그", "저", "이제", "막", "뭐", "약간", "그러니까", "like", "so", "you know", "i mean"} <= set(
        fillers.positional
    )
    assert fillers.kind("으음") == "always" and fillers.kind("ummm") == "always" and fillers.kind("그") == "positional"
    assert fillers.kind("사람") is None and fillers.kind("m") is None


def test_an_edited_list_is_used_plain_entries_always_and_tilde_entries_positional():
    fillers = fillers_from_list(["음", "진짜", "~그", "~you know", "  ", "~"])
    assert fillers.always == ("음", "진짜") and fillers.positional == ("그", "you know")
    assert fillers.as_list() == ["음", "진짜", "~그", "~you know"]
    assert clean_text("음 진짜 좋아요 그러니까요", fillers) == "좋아요 그러니까요"
    assert clean_text("그 제가 할게요", fillers) == "제가 할게요"  # the determiner rule still applies to 그
    assert clean_text("어 그러니까 막, 좋아요", fillers) == "어 그러니까 막, 좋아요"  # no longer fillers


def test_a_word_taken_off_the_list_is_kept_everywhere():
    defaults = default_fillers()
    without = make_fillers(always=defaults.always, positional=[w for w in defaults.positional if w != "그"])
    assert clean_text("그 그게 문제예요") == "그게 문제예요"
    assert clean_text("그 그게 문제예요", without) == "그 그게 문제예요"


def test_the_round_trip_of_the_apps_list_gives_the_same_fillers():
    defaults = default_fillers()
    again = fillers_from_list(defaults.as_list())
    assert (again.always, again.positional) == (defaults.always, defaults.positional)
    assert isinstance(again, Fillers)


def words(text):
    return [w.casefold() for w in re.findall(r"[\w'’-]+", text)]


def content_words(text, fillers):
    """The words 대본 정리 must keep: all but filler words, cut-off starts and repeats of a word just said."""
    said = words(text)
    singles = {e for e in (*fillers.always, *fillers.positional) if " " not in e}
    in_phrase = set()
    for phrase in (e.split() for e in (*fillers.always, *fillers.positional) if " " in e):
        for i in range(len(said)):
            if said[i : i + len(phrase)] == phrase:
                in_phrase.update(range(i, i + len(phrase)))
    out = [
        w
        for i, w in enumerate(said)
        if not (
            i in in_phrase
            or w in singles
            or fillers.kind(w) == "always"
            or w.endswith("-")
            or w in said[max(0, i - 3) : i]
        )
    ]
    return Counter(out)


def sample_texts():
    for name in ("meeting_ko.txt", "meeting_en.txt", "utterances_ko_cp949.csv", "utterances_ko.xlsx"):
        table = load_path(SAMPLES / name)
        yield from ((name, text) for text in table.df[table.text_column])


@pytest.mark.parametrize("name, text", list(sample_texts()))
def test_samples_keep_every_content_word_and_lose_every_hesitation(name, text):
    fillers = default_fillers()
    after = clean_text(text)
    assert not Counter(words(after)) - Counter(words(text)), "a word was added"
    assert not content_words(text, fillers) - Counter(words(after)), "a content word was lost"
    assert not [w for w in words(after) if fillers.kind(w) == "always"], "a hesitation is left"
    assert clean_text(after) == after, "cleaning twice changes the text"


def test_samples_are_tidier_and_the_output_is_deterministic():
    table = load_path(SAMPLES / "meeting_ko.txt")
    first = [clean_text(t) for t in table.df["text"]]
    assert first == [clean_text(t) for t in table.df["text"]]
    changed = sum(a != b for a, b in zip(first, table.df["text"]))
    assert changed >= 15 and sum(map(len, first)) < sum(map(len, table.df["text"]))
