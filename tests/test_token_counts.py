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
