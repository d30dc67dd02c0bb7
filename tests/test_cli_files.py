"""`python -m core` on files from the wild: record files, speaker renaming, minutes as Word."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real"


def cli(*args: object) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    return subprocess.run(
        [sys.executable, "-m", "core", *map(str, args)], cwd=ROOT, env=env, capture_output=True, timeout=120
    )


@pytest.mark.parametrize(
    "file, rows, columns",
    [
        ("dialogsum_test.jsonl", 4, ["fname", "dialogue", "summary1", "topic1", "summary2", "topic2", "summary3"]),
        ("samsum_test.csv", 6, ["id", "summary", "dialogue"]),
        ("whisperx_diarized_fr.json", 6, ["start", "end", "speaker", "text"]),
    ],
)
def test_parse_opens_record_files_and_tables_whole(file, rows, columns):
    done = cli("parse", REAL / file)
    assert done.returncode == 0, done.stderr.decode()
    df = pd.read_csv(io.BytesIO(done.stdout), dtype=str, keep_default_na=False)
    assert len(df) == rows and list(df.columns)[: len(columns)] == columns


def test_parse_renames_speakers_from_a_flag_and_reports_each_label():
    done = cli("parse", REAL / "whisperx_diarized_fr.srt", "--speakers", "SPEAKER_00=Vendeur,SPEAKER_02=Mari")
    df = pd.read_csv(io.BytesIO(done.stdout), dtype=str, keep_default_na=False)
    assert set(df["speaker"]) == {"Vendeur", "Mari", "SPEAKER_01"}
    assert "SPEAKER_00 -> Vendeur: 12 utterances" in done.stderr.decode()


def test_an_unknown_speaker_label_is_a_usage_error(tmp_path):
    (tmp_path / "names.txt").write_text("SPEAKER_09=김민수\n", encoding="utf-8")
    done = cli("parse", REAL / "whisperx_diarized_fr.srt", "--speakers", f"@{tmp_path / 'names.txt'}")
    assert done.returncode == 2 and "No speaker labelled 'SPEAKER_09'" in done.stderr.decode()


def test_summarize_writes_word_minutes_with_renamed_speakers(tmp_path):
    out = tmp_path / "minutes.docx"
    done = cli(
        "summarize", REAL / "whisperx_diarized_fr.srt", "--engine", "offline", "--speakers", "SPEAKER_00=Vendeur",
        "--out", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    paragraphs = [p.text for p in Document(out).paragraphs]
    assert paragraphs[0] == "회의록" and any(p.startswith("Vendeur:") and "[#" in p for p in paragraphs)


def test_a_blank_row_inside_a_sheet_keeps_its_place_and_is_skipped_when_run(tmp_path):
    out = tmp_path / "cleaned.csv"
    done = cli("run", REAL / "chatbot_qa.xlsx", "--task", "clean", "--engine", "offline", "--column", "Q", "--out", out)
    assert done.returncode == 0, done.stderr.decode()
    df = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(df) == 26 and df.iloc[12]["status"] == "skipped" and df.iloc[13]["Q"] == "감기 걸린 것 같아"
    assert (df["status"] == "ok").sum() == 25


def test_compare_renames_speakers_like_run(tmp_path):
    out = tmp_path / "compared.csv"
    done = cli(
        "compare", REAL / "whisperx_diarized_fr.srt", "--engine", "offline", "--task", "clean",
        "--system", "A", "--system", "B", "--speakers", "SPEAKER_00=Vendeur", "--out", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert "SPEAKER_00 -> Vendeur: 12 utterances" in done.stderr.decode()
    df = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert "Vendeur" in set(df["speaker"]) and "SPEAKER_00" not in set(df["speaker"])
