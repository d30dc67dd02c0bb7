"""Run the benchmarks and print a Markdown table of the results with their targets."""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from bench import batching, live, loading, loading_wild, mapreduce, throughput

RESULTS = Path(__file__).parent / "results"


def _rows(r: dict) -> list[tuple[str, str, str, bool]]:
    lat, lim, pack, xl, over = r["latency"], r["rate"], r["packing"], r["xlsx"], r["overhead"]
    bj = r["batch"]
    csv, wj = r["cp949_csv"], r["whisper_json"]
    mr = r["minutes"]
    return [
        (
            "1,000 rows, 300 ms latency, 32 in flight: wall time vs ideal N·L/C",
            f"{lat['seconds']:.1f} s vs {lat['ideal']:.1f} s = {lat['vs_ideal']:.2f}×",
            "≤ 1.3×",
            lat["vs_ideal"] <= 1.3,
        ),
        (
            "… speed-up over a one-request-at-a-time loop",
            f"{lat['speedup']:.0f}× (loop ≈ {lat['sequential_estimate']:.0f} s)",
            "≥ 25×",
            lat["speedup"] >= 25,
        ),
        (
            "400 rows at 3,000 RPM enforced per second: requests that met a 429",
            f"{lim['share_429']:.1%} of {lim['requests']}",
            "< 5%",
            lim["share_429"] < 0.05,
        ),
        (
            "… time vs the limit's minimum",
            f"{lim['seconds']:.1f} s vs {lim['minimum']:.1f} s = {lim['vs_minimum']:.2f}×",
            "≤ 1.3×",
            lim["vs_minimum"] <= 1.3,
        ),
        (
            "Packing 20 short Korean utterances: requests",
            f"{pack['requests_n']} vs {pack['requests_1']} = {pack['request_ratio']:.3f}",
            "≤ 1/15",
            pack["request_ratio"] <= 1 / 15,
        ),
        (
            "… prompt tokens",
            f"{pack['tokens_n']:,} vs {pack['tokens_1']:,} = {pack['token_ratio']:.0%}",
            "≤ 40%",
            pack["token_ratio"] <= 0.40,
        ),
        (
            "XLSX read of 100,000 rows: our loader vs pandas.read_excel defaults",
            f"{xl['ours']:.2f} s vs {xl['pandas_default']:.2f} s = {xl['speedup']:.1f}×",
            "≥ 5×",
            xl["speedup"] >= 5,
        ),
        (
            f"CP949 CSV of {csv['rows']:,} rows ({csv['bytes'] / 1e6:.1f} MB): our loader vs "
            'pandas.read_csv(encoding="cp949")',
            f"{csv['ours']:.2f} s vs {csv['baseline']:.2f} s = {csv['ratio']:.1f}× "
            f"({csv['pandas_as_text']:.2f} s when pandas also reads every cell as text)",
            "(measured)",
            True,
        ),
        (
            "… encoding and format detection, in pandas' time",
            f"{csv['detection'] * 1000:.0f} ms = {csv['detection_share']:.0%}",
            "≤ 50%",
            csv["detection_share"] <= 0.5,
        ),
        (
            f"{wj['hours']:.0f}-hour one-line Whisper JSON ({wj['chars_on_line_1']:,} characters, {wj['rows']:,} "
            "segments): our loader vs json.load",
            f"{wj['ours'] * 1000:.0f} ms vs {wj['baseline'] * 1000:.0f} ms = {wj['ratio']:.1f}×",
            "(measured)",
            True,
        ),
        (
            "… decoding and format detection (the JSON parse itself not counted), in json.load's time",
            f"{wj['detection'] * 1000:.0f} ms = {wj['detection_share']:.0%}",
            "≤ 50%",
            wj["detection_share"] <= 0.5,
        ),
        ("Client overhead at zero latency", f"{over['rows_per_second']:.0f} rows/s", "(measured)", True),
        (
            f"Batch job of {bj['rows']:,} rows ({bj['parts']} files): build, split and upload",
            f"{bj['build_seconds']:.1f} s = {bj['build_rows_per_second']:,.0f} rows/s, "
            f"peak memory +{bj['peak_growth_mb']:.0f} MB",
            "seconds, bounded",
            bj["build_seconds"] < 30 and bj["peak_growth_mb"] < 500,
        ),
        (
            "… collect (download, map by custom_id, save every answer)",
            f"{bj['collect_seconds']:.1f} s = {bj['collect_rows_per_second']:,.0f} rows/s",
            "(measured)",
            bj["answered"] == bj["rows"],
        ),
        (
            f"Minutes of a 3-hour Korean meeting ({mr['tokens']:,} tokens, {mr['chunks']} parts), L = "
            f"{mr['latency'] * 1000:.0f} ms: wall time",
            f"{mr['in_L']:.1f} L vs {mr['refine_in_L']:.1f} L for a sequential refine chain",
            "a few L",
            mr["in_L"] <= 4,
        ),
        (
            "… utterances that reached the model",
            f"{mr['utterances'] - mr['coverage']['missing']:,} of {mr['utterances']:,}",
            "all",
            mr["coverage"]["complete"] and mr["coverage"]["server_saw_every_row"],
        ),
    ]


def table(rows: list[tuple[str, str, str, bool]]) -> str:
    """Rows of (benchmark, measured, target, met) as a Markdown table."""
    lines = ["| benchmark | measured | target | met |", "|---|---|---|---|"]
    lines += [f"| {name} | {value} | {target} | {'yes' if ok else 'NO'} |" for name, value, target, ok in rows]
    return "\n".join(lines)


def collect(quick: bool, repeat: int = 1, only_live: bool = False) -> dict:
    """Run each benchmark (smaller with --quick); the live path's side-by-side runs `repeat` times."""
    scale = 0.2 if quick else 1.0
    if only_live:
        return {"live": live.collect(quick, repeat)}
    return {
        "live": live.collect(quick, repeat),
        "latency": throughput.latency_bound(n=int(1000 * scale)),
        "rate": throughput.rate_limited(n=int(400 * scale) or 100),
        "packing": throughput.packing(n=int(200 * scale) or 40),
        "xlsx": loading.xlsx_read(rows=int(100_000 * scale)),
        "cp949_csv": loading_wild.cp949_csv(rows=int(100_000 * scale)),
        "whisper_json": loading_wild.whisper_json(hours=3.0 * scale),
        "overhead": throughput.overhead(n=int(2000 * scale)),
        "batch": batching.batch_job(rows=int(100_000 * scale)),
        "minutes": mapreduce.mapreduce(latency=0.3),
    }


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, and keep the raw figures under bench/results/."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="a fifth of the sizes, for a smoke test")
    parser.add_argument("--repeat", type=int, default=1, help="live path: runs of each side-by-side (median shown)")
    parser.add_argument("--live", action="store_true", help="only the live path (CLI vs plain SDK loop)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = collect(args.quick, args.repeat, args.live)
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "quick": args.quick,
        "seconds": time.perf_counter() - started,
    }
    (RESULTS / "latest.json").write_text(json.dumps(results | {"meta": meta}, indent=2), encoding="utf-8")
    rows = live.rows(results["live"]) + ([] if args.live else _rows(results))
    print("Live path, launch to exit, side by side with a plain asyncio + openai SDK loop:\n")
    print(table(live.rows(results["live"])))
    if not args.live:
        print("\n" + table(_rows(results)))
    print(f"\n({meta['seconds']:.0f} s in all; raw figures in bench/results/latest.json)")
    return 0 if all(ok for *_, ok in rows) else 1
