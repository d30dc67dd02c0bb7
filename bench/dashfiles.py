"""The dashboard benchmark's inputs and its CLI side: utterance files of any size, the CLI timed on them."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEAKERS = ("김민수", "이지은", "박서준", "최유나")
SAID = (
    "음 그러니까 어 제가 제가 말씀드린 거는 일정이 좀 늦어진다는 거죠",
    "아 네 그럼 다음 주 월요일까지 보고서를 보내 주세요",
    "네 알겠습니다 막 최대한 빨리 할게요",
    "저 근데 예산은 어떻게 되나요",
    "어 그 부분은 음 재무팀이랑 한번 더 확인해 봐야 할 것 같아요",
    "뭐랄까 고객 문의가 이제 지난달보다 꽤 늘었거든요",
    "좋아요 그럼 그렇게 진행하시죠",
    "그 앱 개편 일정은 음 아직 확정이 안 됐어요",
)


def utterances(n: int, folder: Path) -> Path:
    """A UTF-8 CSV of `n` distinct Korean utterances (번호, 화자, 발화) with fillers to clean."""
    path = folder / f"utterances_{n}.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["번호", "화자", "발화"])
        for i in range(n):
            writer.writerow([i + 1, SPEAKERS[i % len(SPEAKERS)], f"{SAID[i % len(SAID)]} ({i + 1}번째)"])
    return path


def _cpu_seconds() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def cli(path: Path, store: Path, *, engine: str, base_url: str | None = None, concurrency: int = 8) -> dict:
    """`python -m core run` on the file (task clean) as a user types it: wall and CPU seconds, start-up included."""
    out = path.with_suffix(f".{engine}.cli.csv")
    cmd = [sys.executable, "-m", "core", "run", str(path), "--task", "clean", "--out", str(out)]
    cmd += ["--engine", engine, "--store", str(store), "--concurrency", str(concurrency)]
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    if base_url:
        env |= {"OPENAI_API_KEY": "sk-bench", "OPENAI_BASE_URL": base_url}
    cpu, started = _cpu_seconds(), time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the CLI failed ({done.returncode}): {done.stderr[-1000:]}")
    return {"seconds": wall, "cpu": _cpu_seconds() - cpu}
