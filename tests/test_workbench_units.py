"""The workbench's pure parts, table-driven: sampling, diffs, kappa, example selection, variants, review."""

import pytest

from core.errors import ConfigError
from core.rows.results import RowResult
from core.rows.templates import Example, Template
from core.workbench.agreement import agreement, cohen_kappa
from core.workbench.compare import make_variants
from core.workbench.diff import diff_pieces, highlight, text_diff, unit
from core.workbench.examples import ExamplePicker, examples_from_rows, with_examples
from core.workbench.review import DISAGREE, REVIEW, Review, review_queue
from core.workbench.sampling import sample_rows, sendable


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"total": 10, "n": 3}, [0, 1, 2]),
        ({"total": 10, "n": None}, list(range(10))),
        ({"total": 3, "n": 10}, [0, 1, 2]),
        ({"total": 10, "n": 3, "pool": [2, 4, 6, 8]}, [2, 4, 6]),
        ({"total": 10, "n": 5, "how": "given", "given": [7, 1, 1, 42]}, [1, 7]),
        ({"total": 10, "n": 1, "how": "given", "given": [7, 1]}, [1]),
    ],
)
def test_sample_first_and_given(kwargs, expected):
    assert sample_rows(**kwargs) == expected


def test_seeded_sample_is_repeatable_sorted_and_differs_by_seed():
    a = sample_rows(100, 10, how="random", seed=7)
    assert a == sample_rows(100, 10, how="random", seed=7)
    assert a == sorted(a) and len(set(a)) == 10 and all(0 <= i < 100 for i in a)
    assert a != sample_rows(100, 10, how="random", seed=8)
    assert set(sample_rows(100, 5, how="random", seed=1, pool=range(50, 60))) <= set(range(50, 60))


@pytest.mark.parametrize("bad", [{"n": 0}, {"how": "best"}])
def test_sample_refuses_nonsense(bad):
    with pytest.raises(ConfigError):
        sample_rows(10, **({"n": 3} | bad))


def test_sendable_leaves_out_blank_rows():
    rows = [{"t": "a"}, {"t": ""}, {"t": "  "}, {"t": "b"}]
    assert sendable(rows, Template("", "{t}")) == [0, 3]


def _marked(pieces):
    return [(p.text, p.changed) for p in pieces]


@pytest.mark.parametrize(
    ("a", "b", "level", "left", "right"),
    [
        (
            "회의를 시작할게요",
            "회의를 시작하겠습니다",
            "char",
            [("회의를 시작", False), ("할게요", True)],
            [("회의를 시작", False), ("하겠습니다", True)],
        ),
        (
            "제가 말씀드린",
            "저가 말씀드린",
            "char",
            [("제", True), ("가 말씀드린", False)],
            [("저", True), ("가 말씀드린", False)],
        ),
        (
            "The cat sat down.",
            "The dog sat down.",
            "word",
            [("The ", False), ("cat", True), (" sat down.", False)],
            [("The ", False), ("dog", True), (" sat down.", False)],
        ),
        ("same", "same", "word", [("same", False)], [("same", False)]),
        ("", "new words", "word", [], [("new words", True)]),
    ],
)
def test_diff_korean_by_character_english_by_word(a, b, level, left, right):
    assert unit(a, b) == level
    got_left, got_right = diff_pieces(a, b)
    assert _marked(got_left) == left and _marked(got_right) == right
    assert "".join(p.text for p in got_left) == a and "".join(p.text for p in got_right) == b


def test_english_word_diff_never_splits_a_word():
    left, right = diff_pieces("I like cats", "I liked cats")
    assert ("like", True) in _marked(left) and ("liked", True) in _marked(right)


def test_highlight_escapes_html_and_marks_changes():
    left, _ = diff_pieces("<b>네</b> 좋아요", "<b>네</b> 싫어요")
    html = highlight(left, "del")
    assert "&lt;b&gt;" in html and "<del>좋아</del>요" in html and "<b>" not in html


def test_text_diff_of_prompts():
    assert text_diff("a\nb", "a\nb") == ""
    d = text_diff("정리해 주세요.", "정리해 주세요.\n존댓말로.", "v1", "v2")
    assert "--- v1" in d and "+존댓말로." in d


@pytest.mark.parametrize(
    ("a", "b", "kappa"),
    [
        (["x", "y", "x", "y"], ["x", "y", "x", "y"], 1.0),
        (["x", "x", "y", "y"], ["x", "y", "x", "y"], 0.0),
        (["x", "y"], ["y", "x"], -1.0),
        # 20 rows, 15 alike: p_o = .75; p_e = .5·.55 + .5·.45 = .5; κ = (.75 − .5) / (1 − .5) = .5
        (["y"] * 10 + ["n"] * 10, ["y"] * 8 + ["n"] * 2 + ["y"] * 3 + ["n"] * 7, 0.5),
        # 3 labels, 6 rows, 4 alike: p_o = 4/6; p_e = (2·2 + 2·3 + 2·1) / 36 = 1/3; κ = .5
        (["a", "a", "b", "b", "c", "c"], ["a", "a", "b", "b", "b", "a"], 0.5),
        (["x", "x"], ["x", "x"], None),
        ([], [], None),
    ],
)
def test_cohen_kappa(a, b, kappa):
    got = cohen_kappa(a, b)
    assert got == kappa if kappa is None else got == pytest.approx(kappa)


def test_agreement_rate_trims_spaces():
    got = agreement(["기쁨", "슬픔 ", "분노"], ["기쁨", "슬픔", "중립"])
    assert (got.rows, got.agree) == (3, 2) and got.rate == pytest.approx(2 / 3)


POOL = (
    Example("배송이 늦어져서 화가 나요", "분노"),
    Example("주문한 상품이 아직 안 왔어요", "불만"),
    Example("감사합니다 정말 친절하시네요", "기쁨"),
    Example("환불은 언제 되나요", "중립"),
)


def test_picker_chooses_the_most_similar_and_sends_them_in_pool_order():
    picker = ExamplePicker(POOL, limit=2, budget=10_000)
    got = picker.pick("배송이 너무 늦어요 상품이 안 왔어요")
    assert set(got) == {POOL[0], POOL[1]} and list(got) == [POOL[0], POOL[1]]
    assert picker.pick("정말 감사합니다")[0] == POOL[2] or POOL[2] in picker.pick("정말 감사합니다")


@pytest.mark.parametrize(("budget", "limit", "count"), [(10_000, 4, 4), (10_000, 1, 1), (1, 4, 0), (10_000, 0, 0)])
def test_picker_respects_count_and_token_budget(budget, limit, count):
    assert len(ExamplePicker(POOL, limit=limit, budget=budget).pick("배송이 늦어요")) == count


def test_picker_budget_drops_the_long_example_but_keeps_shorter_ones():
    long = Example("배송 " * 400, "분노")
    picker = ExamplePicker((long, *POOL), limit=3, budget=60)
    got = picker.pick("배송 배송 배송")
    assert long not in got and len(got) >= 1
    assert sum(picker._tokens(e) for e in got) <= 60


def test_examples_from_rows_fill_the_template_and_skip_unanswered():
    t = Template("sys", "<data>{text}</data>")
    rows = [{"text": "가"}, {"text": "나"}, {"text": "다"}]
    assert examples_from_rows(rows, ["A", "", " C "], t) == (
        Example("<data>가</data>", "A"),
        Example("<data>다</data>", "C"),
    )


def test_template_with_picker_puts_pairs_between_system_and_row():
    t = with_examples(Template("지침", "{text}"), ExamplePicker(POOL[:1], limit=1))
    assert t.messages({"text": "배송이 늦어요"}) == [
        {"role": "system", "content": "지침"},
        {"role": "user", "content": POOL[0].user},
        {"role": "assistant", "content": POOL[0].assistant},
        {"role": "user", "content": "배송이 늦어요"},
    ]
    assert with_examples(t, None) is t


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"systems": ["a", "b"]}, [("A", "a", None), ("B", "b", None)]),
        ({"systems": ["s"], "models": ["m1", "m2"]}, [("A", "s", "m1"), ("B", "s", "m2")]),
        ({"models": ["m1", "m2"], "labels": ["old", "new"]}, [("old", None, "m1"), ("new", None, "m2")]),
        ({"systems": ["a"]}, [("A", "a", None)]),
    ],
)
def test_variants_from_repeated_options(kwargs, expected):
    assert [(v.label, v.system, v.model) for v in make_variants(**kwargs)] == expected


@pytest.mark.parametrize(
    "kwargs", [{"systems": ["a", "b"], "models": ["1", "2", "3"]}, {"systems": ["a", "b"], "labels": ["x", "x"]}]
)
def test_variants_refuse_mismatched_counts(kwargs):
    with pytest.raises(ConfigError):
        make_variants(**kwargs)


def test_review_queue_holds_review_rows_and_disagreements_and_decides():
    a = [
        RowResult(0, "기쁨", "ok"),
        RowResult(1, "행복", "review"),
        RowResult(2, "분노", "ok"),
        RowResult(3, "중립", "ok"),
    ]
    b = [RowResult(0, "기쁨", "ok"), RowResult(1, "기쁨", "ok"), RowResult(2, "슬픔", "ok"), RowResult(3, "중립", "ok")]
    items = review_queue({i: f"t{i}" for i in range(4)}, {"A": a, "B": b})
    assert [(i.row, i.reasons) for i in items] == [(1, (REVIEW, DISAGREE)), (2, (DISAGREE,))]
    review = Review(items, labels=("기쁨", "슬픔", "분노", "중립"))
    review.accept()  # row 1: A's answer is off the list, B's is on it
    review.skip()
    assert review.decisions == {1: "기쁨"} and review.skipped == {2} and review.current() is None
    review.back()
    review.pick("분노")
    assert review.decisions == {1: "기쁨", 2: "분노"} and review.skipped == set() and review.left == 0
