"""Format detection by strongest evidence: the confusion matrix of every format sample is diagonal.

Every detector is asked about every sample; the sample's own format must win, by a strict margin (never a tie
settled by list order). Generic detectors (plain WebVTT, Whisper's JSON) may also say yes to their specific
cousins (Teams, WhisperX), but with weaker evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core import formats
from core.loaders import load_bytes
from core.loaders.decode import decode
from tests.test_formats import CASES, FIXTURES

REAL = Path(__file__).parent / "data" / "real"
# Real files whose format is plain to see (the corpus README says where each comes from).
REAL_KINDS = {
    "teams_short_times.vtt": "vtt-teams",
    "youtube_dl_rolling.vtt": "vtt-youtube",
    "zoom_math_session.vtt": "vtt-zoom",
    "netflix_chicas_del_cable.vtt": "vtt",
    "whisperx_call_en.vtt": "vtt",
    "subrip_fr_broadcast.srt": "srt",
    "whisperx_call_en2.srt": "srt",
    "whisperx_call_en.json": "whisper-json",
    "whisper_two_friends.json": "whisper-json",
    "whisperx_diarized_fr.json": "whisperx-json",
    "whisperx_call_en.tsv": "whisper-tsv",
    "zoom_chat_style.txt": "zoom-txt",
}
MEET = """Weekly sync - Transcript
Attendees
Dana Kim, Lee Jun, Park Sora
Transcript
This editable transcript was computer generated and might contain errors.
Dana Kim: Let's start with the release.
Lee Jun: The build is green since Monday.
00:05:00
Park Sora: Docs are still missing two pages.
Dana Kim: Can you finish them by Thursday?
00:10:00
Park Sora: Yes, Thursday works.
Lee Jun: I will review them on Friday.
00:15:00
Dana Kim: Good. Anything else?
Lee Jun: No, that's all.
Meeting ended after 00:16:42
"""
SAMPLES = [(case.file, (FIXTURES / case.file).read_bytes().decode("utf-8"), case.kind) for case in CASES]
SAMPLES += [(name, decode((REAL / name).read_bytes()).text, kind) for name, kind in REAL_KINDS.items()]
SAMPLES += [("meet_with_markers.txt", MEET, "google-meet")]


@pytest.mark.parametrize("name, text, kind", SAMPLES, ids=[name for name, _, _ in SAMPLES])
def test_each_sample_is_claimed_by_its_own_detector_and_no_other_as_strongly(name, text, kind):
    scores = formats.scores(name, text)
    others = max(score for other, score in scores.items() if other != kind)
    assert scores[kind] > others, scores


def test_the_confusion_matrix_is_diagonal():
    kinds = sorted({kind for _, _, kind in SAMPLES})
    matrix = {
        (kind, (formats.best(name, text) or formats.Claim("none", formats, 0)).kind) for name, text, kind in SAMPLES
    }
    assert matrix == {(kind, kind) for kind in kinds}


def test_a_meet_transcript_with_time_markers_keeps_its_speakers_though_otter_also_says_yes():
    assert formats.scores("meet.txt", MEET)["otter"] > 0  # "00:05:00" lines look like Otter's headers
    table = load_bytes("meet.txt", MEET.encode())
    assert table.kind == "google-meet" and table.df["speaker"].tolist()[:2] == ["Dana Kim", "Lee Jun"]
    assert len(table.df) == 8


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("samsum.csv", b'id,summary,dialogue\n1,"Ann and Bob meet.","Ann: Hi\nBob: Hello\nAnn: Bye"\n', "csv"),
        ("dialogue.tsv", "화자\t발화\n김민수\t네: 좋아요\n이지은\t안건: 예산\n".encode(), "tsv"),
        ("segments.tsv", b"start\tend\ttext\n0\t1500\thello\n1500\t3000\tworld\n", "whisper-tsv"),
    ],
)
def test_a_well_formed_table_stays_a_table_unless_a_strong_format_claims_it(name, data, kind):
    assert load_bytes(name, data).kind == kind
