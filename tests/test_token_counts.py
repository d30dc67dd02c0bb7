"""Token counts come from the one vocabulary the model needs, and agree with bpe-openai's own encoder."""

import subprocess
import sys
from pathlib import Path

import pytest

from core.engines.tokens import count_text

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "",
    "안녕하세요 반갑습니다",
    "<|endoftext|> is plain text here",
    "x" * 5000,
    "네 그건 다음 주에 (12) 😀",
    "\ud800 lone",
]


@pytest.mark.parametrize("model, encoding", [("gpt-4o-mini", "o200k_base"), ("gpt-4", "cl100k_base")])
def test_counts_match_bpe_openai(model, encoding):
    import bpe_openai

    reference = bpe_openai.get_encoding(encoding)
    for text in TEXTS:
        assert count_text(text, model).tokens == len(reference.encode_ordinary(text)), text


def test_counting_loads_neither_the_python_package_nor_other_vocabularies():
    code = (
        "import sys\nfrom core.engines.tokens import count_text, _encoding\n"
        "assert count_text('안녕', 'gpt-4o-mini').exact\n"
        "print('bpe_openai' in sys.modules, _encoding.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "1"]


@pytest.mark.parametrize("model, exact", [("gpt-4o-mini", True), ("gpt-4", True), ("llama3.1:8b", False)])
def test_a_request_costs_its_texts_plus_framing(model, exact):
    from core.engines.tokens import PER_MESSAGE, PER_REPLY, count_messages

    messages = [{"role": "system", "content": TEXTS[1]}, {"role": "user", "content": TEXTS[4]}]
    got = count_messages(messages, model)
    texts = sum(count_text(m["content"], model).tokens for m in messages)
    assert got.exact is exact
    assert got.tokens == texts + PER_REPLY + len(messages) * (PER_MESSAGE + 1)


def test_the_quote_pauses_every_few_rows_and_counts_the_same():
    from core.rows.plan import row_plan
    from core.rows.quote import PAUSE_EVERY, quote_rows

    plan = row_plan(template="{text}", system="Answer briefly.", text_column="text")
    rows = [{"text": f"네 그건 다음 주에 다시 얘기해요 {i}"} for i in range(5 * PAUSE_EVERY + 3)]
    pauses = []
    quiet = quote_rows(rows, plan, model="gpt-4o-mini", max_tokens=100)
    paused = quote_rows(rows, plan, model="gpt-4o-mini", max_tokens=100, pause=lambda: pauses.append(1))
    assert paused == quiet
    assert len(pauses) == 2 * (len(rows) // PAUSE_EVERY)  # the prompt pass and the expected-answer pass
