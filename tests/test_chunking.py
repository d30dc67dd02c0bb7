"""Chunking by exact token budgets: turns kept whole, long turns cut at utterances then sentences, overlap,
rows and times tracked, empty input."""

import pandas as pd
import pytest

from core.engines.tokens import count_text
from core.errors import ConfigError, TemplateError
from core.minutes.chunking import (
    Utterance,
    build_chunks,
    chunk_transcript,
    context_window,
    default_chunk_tokens,
    utterances,
)

MODEL = "gpt-4o-mini"
LONG_TURN = [
    ("박", f"{i}번째로 결제 화면 일정이 늦어지는 이유를 설명드리면 외주 검수가 밀렸기 때문입니다.") for i in range(12)
]


def table(turns, times=True):
    rows = [
        {"start": str(i * 10) if times else "", "end": str(i * 10 + 8) if times else "", "speaker": who, "text": text}
        for i, (who, text) in enumerate(turns)
    ]
    return pd.DataFrame(rows, dtype=str)


MEETING = table(
    [
        ("김", "안녕하세요 회의 시작하겠습니다"),
        ("김", "오늘 안건은 두 가지입니다"),
        ("이", "네 좋습니다"),
        ("박", "일정 얘기부터 하죠"),
        ("박", "결제 화면이 늦어집니다"),
        ("박", "일주일 정도요"),
        ("김", "그럼 2차 배포로 미루죠"),
        ("이", "동의합니다"),
        ("최", "예산은 다음 주에 보죠"),
        ("최", "제가 표를 만들어 오겠습니다"),
    ]
)
CASES = {  # name: (table, budget, overlap)
    "all in one chunk": (MEETING, 5000, 0),
    "small turns, tight budget": (MEETING, 40, 0),
    "small turns, medium budget": (MEETING, 70, 0),
    "with overlap": (MEETING, 60, 1),
    "with wide overlap": (MEETING, 90, 3),
    "a turn longer than the budget": (table([("김", "시작합니다"), *LONG_TURN, ("이", "네 알겠습니다")]), 120, 0),
    "long turn with overlap": (table([("김", "시작합니다"), *LONG_TURN, ("이", "네 알겠습니다")]), 120, 2),
    "no times": (table(LONG_TURN[:5] + [("이", "네")], times=False), 60, 1),
}


def turn_ids(df):
    """Turn number of each row (from 1): consecutive rows of one speaker."""
    ids, turn, last = {}, 0, None
    for row, who in enumerate(df["speaker"], start=1):
        turn += who != last
        ids[row], last = turn, who
    return ids


@pytest.mark.parametrize("name", CASES)
def test_chunks_keep_every_row_once_in_order_within_the_exact_budget(name):
    df, budget, overlap = CASES[name]
    chunks = chunk_transcript(
        df, model=MODEL, text_column="text", speaker_column="speaker", chunk_tokens=budget, overlap=overlap
    )
    body = [u.row for c in chunks for u in c.utterances]
    assert sorted(set(body)) == list(range(1, len(df) + 1)) and body == sorted(body)
    for chunk in chunks:
        assert count_text(chunk.text, MODEL).tokens == chunk.tokens <= budget  # the real count, context included
        assert chunk.text.endswith(chunk.utterances[-1].line)


@pytest.mark.parametrize("name", CASES)
def test_a_turn_that_fits_the_budget_is_never_split(name):
    df, budget, overlap = CASES[name]
    chunks = chunk_transcript(
        df, model=MODEL, text_column="text", speaker_column="speaker", chunk_tokens=budget, overlap=overlap
    )
    utts, turns = utterances(df, "text", "speaker", MODEL), turn_ids(df)
    for turn in set(turns.values()):
        lines = [u.line for u in utts if turns[u.row] == turn]
        holders = {c.index for c in chunks for u in c.utterances if turns[u.row] == turn}
        if count_text("\n".join(lines), MODEL).tokens <= budget:
            assert len(holders) == 1, f"turn {turn} split across chunks {holders}"


@pytest.mark.parametrize("name", [n for n, (_, _, overlap) in CASES.items() if overlap == 0])
def test_chunks_are_filled_greedily(name):
    df, budget, _ = CASES[name]
    chunks = chunk_transcript(df, model=MODEL, text_column="text", speaker_column="speaker", chunk_tokens=budget)
    turns = turn_ids(df)
    for chunk, following in zip(chunks, chunks[1:]):
        head = [u for u in following.utterances if turns[u.row] == turns[following.utterances[0].row]]
        grown = "\n".join([chunk.text, *(u.line for u in head)])
        assert count_text(grown, MODEL).tokens > budget  # the next turn (or utterance) did not fit


def test_a_long_turn_is_split_at_utterances_first():
    df = table([("김", "시작합니다"), *LONG_TURN, ("이", "네 알겠습니다")])
    chunks = build_chunks(utterances(df, "text", "speaker", MODEL), 120, MODEL)
    assert len(chunks) > 2
    assert all(u.part == 0 for c in chunks for u in c.utterances)  # each utterance fits, so none is cut


@pytest.mark.parametrize(
    "text, budget, boundary",
    [
        ("첫 문장은 결제 일정 이야기입니다. " * 120, 100, "."),
        ("마침표 없이 길게 이어지는 발화에서 결제 일정 이야기를 합니다 " * 120, 100, "다"),
        ("띄어쓰기도문장부호도없는아주긴발화" * 200, 80, None),
    ],
    ids=["sentences", "korean endings", "characters"],
)
def test_one_huge_utterance_is_cut_at_sentences_else_words_else_characters(text, budget, boundary):
    df = pd.DataFrame({"start": ["65"], "end": ["3900"], "speaker": ["김"], "text": [text]})
    chunks = chunk_transcript(df, model=MODEL, text_column="text", speaker_column="speaker", chunk_tokens=budget)
    pieces = [u for c in chunks for u in c.utterances]
    assert len(chunks) > 5 and all(c.tokens <= budget for c in chunks)
    assert [u.part for u in pieces] == list(range(1, len(pieces) + 1))
    assert all(c.rows == (1,) and c.utterances[0].line.startswith("#1 [01:05] 김: ") for c in chunks)
    joiner = "" if boundary is None else " "
    assert joiner.join(u.text for u in pieces).split() == text.split()  # nothing lost, nothing added
    if boundary:
        assert all(u.text.endswith(boundary) for u in pieces)


def test_overlap_repeats_the_end_of_the_previous_chunk_as_context_only():
    utts = utterances(MEETING, "text", "speaker", MODEL)
    chunks = build_chunks(utts, 60, MODEL, overlap=2)
    assert chunks[0].context == () and len(chunks) > 2
    for prev, chunk in zip(chunks, chunks[1:]):
        assert chunk.context == prev.utterances[len(prev.utterances) - len(chunk.context) :]
        assert chunk.text.startswith("\n".join(u.line for u in chunk.context))
        assert not set(chunk.rows) & {u.row for u in chunk.context}
    assert any(c.context for c in chunks)


def test_overlap_gives_way_to_a_whole_turn():
    big = table(
        [
            ("김", "짧게 시작합니다"),
            ("이", "이번 발화는 예산과 일정과 인력 문제를 모두 한 번에 길게 설명하는 발화입니다"),
        ]
    )
    utts = utterances(big, "text", "speaker", MODEL)
    budget = utts[1].tokens + 1
    chunks = build_chunks(utts, budget, MODEL, overlap=1)
    assert [c.rows for c in chunks] == [(1,), (2,)] and chunks[1].context == ()


def test_chunks_know_their_rows_and_times():
    df = table([("김", "하나"), ("이", ""), ("박", "셋"), ("최", "넷")])
    df.loc[3, "end"] = ""
    chunks = build_chunks(utterances(df, "text", "speaker", MODEL), 1000, MODEL)
    assert len(chunks) == 1
    chunk = chunks[0]
    assert chunk.rows == (1, 3, 4) and (chunk.start, chunk.end) == ("0", "30")  # row 4 has a start but no end
    assert chunk.text.splitlines() == ["#1 [00:00] 김: 하나", "#3 [00:20] 박: 셋", "#4 [00:30] 최: 넷"]


def test_without_speakers_or_times_every_utterance_is_its_own_unit():
    df = pd.DataFrame({"text": ["첫째 줄입니다", None, "둘째 줄입니다", "  "]})
    utts = utterances(df, "text", None, MODEL)
    assert [(u.row, u.speaker, u.start, u.line) for u in utts] == [
        (1, "", "", "#1 첫째 줄입니다"),
        (3, "", "", "#3 둘째 줄입니다"),
    ]
    assert [c.rows for c in build_chunks(utts, utts[0].tokens, MODEL)] == [(1,), (3,)]


@pytest.mark.parametrize("df", [pd.DataFrame({"text": []}), pd.DataFrame({"text": ["", "   ", None]})])
def test_empty_input_gives_no_chunks(df):
    assert chunk_transcript(df, model=MODEL, text_column="text") == []


def test_a_missing_column_or_an_impossible_budget_is_refused():
    with pytest.raises(TemplateError):
        utterances(MEETING, "본문", "speaker", MODEL)
    with pytest.raises(ConfigError):
        build_chunks(utterances(MEETING, "text", "speaker", MODEL), 5, MODEL)
    with pytest.raises(ConfigError):
        build_chunks([], 0, MODEL)


@pytest.mark.parametrize(
    "model, window, budget",
    [
        ("gpt-4o-mini", 128000, 12000),
        ("gpt-4.1-mini", 1047576, 12000),
        ("gpt-4", 8192, 2048),
        ("gpt-3.5-turbo", 16385, 4096),
        ("openai/gpt-4o-2024-08-06", 128000, 12000),
        ("llama3.1:8b", 8192, 2048),
    ],
)
def test_the_default_budget_follows_the_models_context_window(model, window, budget):
    assert context_window(model) == window and default_chunk_tokens(model) == budget


def test_token_counts_are_of_the_line_the_model_sees():
    u = utterances(MEETING, "text", "speaker", MODEL)[0]
    assert (
        isinstance(u, Utterance)
        and u.tokens == count_text("#1 [00:00] 김: 안녕하세요 회의 시작하겠습니다", MODEL).tokens
    )
