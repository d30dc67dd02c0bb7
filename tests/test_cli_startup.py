"""The CLI starts cheaply: listing tasks and --help load neither pandas nor openai (speed itself lives in bench/)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "openai", "numpy", "bpe_openai", "httpx", "httpx2")


@pytest.mark.parametrize("argv", [["tasks"], ["--help"], ["run", "--help"], ["summarize", "--help"]])
def test_light_paths_import_nothing_heavy(argv):
    code = (
        "import sys\nfrom core.cli.main import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_every_command_resolves_to_a_function():
    from core.cli.main import COMMANDS, command

    assert all(callable(command(name)) for name in COMMANDS)


@pytest.mark.parametrize(
    "name, body, subtitles",
    [
        ("rows.csv", "speaker,text\nA,안녕하세요\n", []),
        ("talk.srt", "1\n00:00:01,000 --> 00:00:02,000\n안녕하세요\n", ["pysubs2"]),
        ("talk.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n안녕하세요\n", ["webvtt"]),
    ],
)
def test_subtitle_readers_load_only_for_subtitles(tmp_path, name, body, subtitles):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    code = (
        "import sys\nfrom core.loaders import load_path\n"
        f"print(len(load_path({str(path)!r}).df))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pysubs2', 'webvtt'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split()[0] == "1"
    assert out.stdout.strip().splitlines()[-1] == str(subtitles)


def test_a_reader_that_stops_early_gets_no_traceback():
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already exited: every write meets a broken pipe
    try:
        out = subprocess.run(
            [sys.executable, "-m", "core", "tasks"],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write_end)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "BrokenPipe" not in out.stderr
