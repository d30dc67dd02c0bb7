"""A missing cell is read one way everywhere: as empty text, never "nan" or "None" sent to a model or written out."""

import io

import numpy as np
import pandas as pd
import pytest

from core.cells import cell_text, is_missing
from core.minutes.transcript import transcript_text
from core.rows.templates import Template, is_blank, render


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_what_pandas_puts_in_an_empty_cell_is_empty_text(value):
    assert is_missing(value) and cell_text(value) == ""


@pytest.mark.parametrize("value", ["nan", "None", "", " ", 0, 0.0, False, "<NA>"])
def test_a_value_that_is_there_stays_itself_even_when_it_reads_nan(value):
    assert not is_missing(value) and cell_text(value) == str(value)


def test_a_missing_speaker_reaches_the_model_as_no_speaker_not_nan():
    df = pd.DataFrame({"speaker": ["김", np.nan, None], "text": ["하나", "둘", "셋"]})
    assert transcript_text(df, "text", "speaker") == "#1 김: 하나\n#2 둘\n#3 셋"


def test_a_missing_text_is_skipped_in_the_transcript_and_blank_in_a_template():
    df = pd.read_csv(io.StringIO("speaker,text\n김,\n이,말\n"))
    assert transcript_text(df, "text", "speaker") == "#2 이: 말"
    row = df.to_dict(orient="records")[0]
    template = Template("", "{speaker}: {text}")
    assert render(template.user, row) == "김: " and is_blank(Template("", "{text}"), row)
