"""Speaker renaming: labels become names everywhere downstream; counts and a sample line per label; typos refused."""

from __future__ import annotations

import pandas as pd
import pytest

from core.errors import ConfigError
from core.speakers import SpeakerLabel, parse_speakers, rename_speakers, speaker_labels

DF = pd.DataFrame(
    {
        "start": ["0.0", "1.5", "3.0", "4.0"],
        "speaker": ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00", ""],
        "text": ["안녕하세요, 시작할게요.", "네 좋습니다.", "첫 안건은 예산입니다.", "(웃음)"],
    }
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SPEAKER_00=김민수,SPEAKER_01=이지영", {"SPEAKER_00": "김민수", "SPEAKER_01": "이지영"}),
        ("참석자 1 = 김민수\n참석자 2=이지영\n", {"참석자 1": "김민수", "참석자 2": "이지영"}),
        ("Speaker 2=Dana Kim, Speaker 1=", {"Speaker 2": "Dana Kim", "Speaker 1": ""}),
    ],
)
def test_mappings_are_read_from_flags_and_files(text, expected):
    assert parse_speakers(text) == expected


@pytest.mark.parametrize("text", ["SPEAKER_00", "=김민수", "SPEAKER_00=김민수,이지영"])
def test_a_pair_without_a_label_or_equals_is_refused(text):
    with pytest.raises(ConfigError) as err:
        parse_speakers(text)
    assert err.value.code == "config.speakers"


def test_labels_are_counted_with_a_sample_line_in_order_of_appearance():
    assert speaker_labels(DF, "speaker", "text") == [
        SpeakerLabel("SPEAKER_00", "SPEAKER_00", 2, "안녕하세요, 시작할게요."),
        SpeakerLabel("SPEAKER_01", "SPEAKER_01", 1, "네 좋습니다."),
    ]


def test_renaming_replaces_labels_and_reports_each_with_its_new_name():
    renamed, labels = rename_speakers(DF, "speaker", {"SPEAKER_00": "김민수", "SPEAKER_01": ""}, "text")
    assert renamed["speaker"].tolist() == ["김민수", "SPEAKER_01", "김민수", ""]
    assert [(i.label, i.name, i.count) for i in labels] == [
        ("SPEAKER_00", "김민수", 2),
        ("SPEAKER_01", "SPEAKER_01", 1),
    ]
    assert DF["speaker"].tolist()[0] == "SPEAKER_00"  # the input table is left alone


@pytest.mark.parametrize(
    "column, mapping, code",
    [("speaker", {"SPEAKER_02": "박준호"}, "config.speakers_unknown"), (None, {"A": "B"}, "config.speakers_missing")],
)
def test_an_unknown_label_or_a_table_without_speakers_is_refused(column, mapping, code):
    with pytest.raises(ConfigError) as err:
        rename_speakers(DF, column, mapping)
    assert err.value.code == code
