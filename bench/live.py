"""The live path from launch to exit: our CLI and a plain asyncio + openai SDK loop, side by side, as processes.

The server runs in this process; each client is a fresh `python` process, so its wall time includes start-up and its
CPU time (from wait4) is the client's alone.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from testserver.server import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
SYSTEM = "Answer briefly."


@dataclass
class Launch:
    """One client process against the server: what it took and what it left undone."""

    tool: str
    rows: int
    wall: float
    first_request: float | None
    cpu: float
    requests: int
    throttled: int
    lost: int

    @property
    def cpu_ms_per_row(self) -> float:
        """Client CPU per row, in milliseconds."""
        return self.cpu / self.rows * 1000

    def as_dict(self) -> dict:
        """The figures, with CPU per row."""
        return asdict(self) | {"cpu_ms_per_row": self.cpu_ms_per_row}


def write_rows(path: Path, n: int) -> None:
    """A CSV of n short utterances in a `text` column."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["speaker", "text"])
        w.writerows([f"화자{i % 3}", f"네 그건 다음 주에 다시 얘기해요 {i}"] for i in range(n))


def _answered(out: Path, column: str) -> int:
    with out.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for row in csv.DictReader(f) if row.get(column, "").startswith("ECHO: "))


def _command(tool: str, data: Path, out: Path, concurrency: int, rpm: int | None, store: Path | None) -> list[str]:
    if tool == "plain":
        return [
            sys.executable,
            "-m",
            "bench.plain_sdk",
            str(data),
            "--concurrency",
            str(concurrency),
            "--out",
            str(out),
        ]
    cmd = [sys.executable, "-m", "core", "run", str(data), "--template", "{text}", "--system", SYSTEM]
    cmd += ["--concurrency", str(concurrency), "--out", str(out), "--engine", "openai"]
    cmd += ["--rpm", str(rpm)] if rpm else []
    return cmd + (["--store", str(store)] if store else ["--no-store"])


def launch(srv: FakeOpenAI, tool: str, n: int, concurrency: int, rpm: int | None = None, store: bool = False) -> Launch:
    """Run one client over n rows and measure it from launch to exit."""
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "rows.csv", Path(tmp) / "out.csv"
        write_rows(data, n)
        srv.reset()
        env = os.environ | {"OPENAI_BASE_URL": srv.base_url, "OPENAI_API_KEY": "bench", "PYTHONPATH": str(ROOT)}
        cmd = _command(
            tool, data, out, concurrency, rpm if tool == "ours" else None, Path(tmp) / "s.db" if store else None
        )
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"{tool} exited {proc.returncode}: {err[-500:]}")
        chat = [r for r in srv.requests if r.path.endswith("/chat/completions")]
        answered = _answered(out, "output")
    return Launch(
        tool=tool + (" + store" if store else ""),
        rows=n,
        wall=wall,
        first_request=(chat[0].started - started) if chat else None,
        cpu=usage.ru_utime + usage.ru_stime,
        requests=len(chat),
        throttled=sum(r.status == 429 for r in chat),
        lost=n - answered,
    )


def side_by_side(n: int = 1000, latency: float = 0.3, concurrency: int = 32, rpm: int | None = None) -> dict:
    """Ours and the plain SDK loop on the same server settings, one after the other."""
    with FakeOpenAI(latency=latency, rpm_limit=rpm) as srv:
        runs = [launch(srv, tool, n, concurrency, rpm) for tool in ("ours", "plain")]
    ideal = n / (rpm / 60) if rpm else n * latency / concurrency
    return {"rows": n, "latency": latency, "concurrency": concurrency, "rpm": rpm, "ideal": ideal} | {
        r.tool: r.as_dict() | {"vs_ideal": r.wall / ideal} for r in runs
    }


def cpu_with_store(n: int = 1000, concurrency: int = 32, latency: float = 0.3) -> dict:
    """Client CPU per row with the run store, against without it and the plain loop (no limit)."""
    with FakeOpenAI(latency=latency) as srv:
        runs = [launch(srv, "ours", n, concurrency, store=True), launch(srv, "ours", n, concurrency)]
        runs.append(launch(srv, "plain", n, concurrency))
    return {r.tool: r.as_dict() for r in runs}


def startup(repeat: int = 3) -> dict:
    """Seconds for `python -m core tasks` and `--help` (best of `repeat`)."""
    out = {}
    for name, argv in (("tasks", ["tasks"]), ("help", ["--help"])):
        times = []
        for _ in range(repeat):
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "core", *argv], cwd=ROOT, capture_output=True, check=True)
            times.append(time.monotonic() - started)
        out[name] = min(times)
    return out


def _median(runs: list[dict]) -> dict:
    """The run with the median wall time for each tool (ties: the earlier run)."""
    out = dict(runs[0])
    for tool in ("ours", "plain"):
        ordered = sorted((r[tool] for r in runs), key=lambda x: x["wall"])
        out[tool] = ordered[(len(ordered) - 1) // 2] | {"walls": [round(r[tool]["wall"], 2) for r in runs]}
    return out


def collect(quick: bool = False, repeat: int = 1) -> dict:
    """Every live-path figure, each side by side with the plain SDK loop; the median of `repeat` runs."""
    n = 200 if quick else 1000

    def median(**kw) -> dict:
        return _median([side_by_side(**kw) for _ in range(repeat)])

    return {
        "limited": median(n=n, rpm=3000),
        "free_32": median(n=n),
        "free_128": median(n=4 * n, concurrency=128),  # 4x the rows, so the ideal stays 9.4 s
        "cpu": cpu_with_store(n=n),
        "startup": startup(),
    }


def _pair(r: dict, key: str, fmt: str) -> str:
    return f"ours {fmt.format(r['ours'][key])}, plain SDK {fmt.format(r['plain'][key])}"


def rows(r: dict) -> list[tuple[str, str, str, bool]]:
    """(benchmark, measured, target, met) for the README's live-path table."""
    lim, f32, f128, cpu, st = r["limited"], r["free_32"], r["free_128"], r["cpu"], r["startup"]
    ours, plain = lim["ours"], lim["plain"]
    first = max(lim["ours"]["first_request"] or 99, f32["ours"]["first_request"] or 99)
    return [
        (
            f"{lim['rows']:,} rows, 300 ms, 32 in flight, 3,000 RPM enforced per second: wall time from launch vs the "
            f"floor ({lim['ideal']:.0f} s)",
            f"ours {ours['wall']:.1f} s = {ours['vs_ideal']:.2f}×; plain SDK {plain['wall']:.1f} s = "
            f"{plain['vs_ideal']:.2f}× (but loses rows)",
            "≤ 1.1×",
            ours["vs_ideal"] <= 1.1,
        ),
        (
            "… rows without an answer",
            f"ours {ours['lost']}; plain SDK {plain['lost']} ({plain['lost'] / lim['rows']:.0%})",
            "0",
            ours["lost"] == 0,
        ),
        (
            "… requests that met a 429",
            f"ours {ours['throttled']} ({ours['throttled'] / lim['rows']:.1%}); plain SDK {plain['throttled']}",
            "< 1%",
            ours["throttled"] < 0.01 * lim["rows"],
        ),
        (
            f"No limit, {f32['rows']:,} rows, 32 in flight: wall time from launch vs ideal N·L/C "
            f"({f32['ideal']:.1f} s)",
            _pair(f32, "vs_ideal", "{:.2f}×"),
            "≤ 1.15×",
            f32["ours"]["vs_ideal"] <= 1.15,
        ),
        (
            f"No limit, {f128['rows']:,} rows, 128 in flight: wall time from launch vs ideal N·L/C "
            f"({f128['ideal']:.1f} s)",
            _pair(f128, "vs_ideal", "{:.2f}×"),
            "≤ 1.15×",
            f128["ours"]["vs_ideal"] <= 1.15,
        ),
        (
            f"First request after launch, {lim['rows']:,}-row CSV",
            _pair(f32, "first_request", "{:.2f} s"),
            "≤ 2 s",
            first <= 2.0,
        ),
        (
            "`python -m core tasks` / `python -m core --help`",
            f"{st['tasks']:.2f} s / {st['help']:.2f} s",
            "≤ 0.5 s",
            max(st["tasks"], st["help"]) <= 0.5,
        ),
        (
            "Client CPU per row, 32 in flight, no run store",
            f"ours {cpu['ours']['cpu_ms_per_row']:.1f} ms; plain SDK {cpu['plain']['cpu_ms_per_row']:.1f} ms",
            "≤ 5 ms",
            cpu["ours"]["cpu_ms_per_row"] <= 5,
        ),
        (
            "… with the run store",
            f"{cpu['ours + store']['cpu_ms_per_row']:.1f} ms",
            "≤ 5 ms",
            cpu["ours + store"]["cpu_ms_per_row"] <= 5,
        ),
    ]
