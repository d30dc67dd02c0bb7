"""Every transcript format opens in the Upload page as the same utterances `core parse` gives, speaker mapped."""

import pandas as pd
import pytest

from core.loaders import load_path
from tests.app_support import ROOT, new_app, no_crash, upload

FIXTURES = sorted((ROOT / "tests" / "fixtures" / "transcripts").iterdir())


@pytest.fixture(scope="module")
def session():
    return new_app()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_each_format_opens_as_its_utterances(session, path):
    at = upload(session, path.name, path.read_bytes(), "application/octet-stream")
    no_crash(at)
    expected = load_path(path).df
    table = at.session_state["table"]
    assert table is not None and at.session_state["upload"].name == path.name
    pd.testing.assert_frame_equal(table.df.reset_index(drop=True), expected.reset_index(drop=True))
    assert at.session_state["text_column"] == "text"
    has_speakers = "speaker" in expected and expected["speaker"].astype(str).str.strip().ne("").any()
    assert (at.session_state["speaker_column"] == "speaker") == bool(has_speakers)
