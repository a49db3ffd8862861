"""The older per-system benchmarks, one after another, in one table.

The benchmark of issue 12 (every system's rotating main list against a bare
app, both servers, 1 and 2 workers, writes, Locust mixes, memory, Prism) is
``python -m apidouble.load.bench`` (``suite.py``; ``docs/benchmarks.md``).

    python -m apidouble.load.bench.run_all [--server gunicorn|granian|both] [--duration 8]
        [--warmup 3] [--rounds 1] [--workers 1] [--json FILE]

Runs, in-process and in this order, each benchmark's own ``main()`` with the
same server(s), duration, warm-up, rounds and workers (each prints its own
report and writes its JSON to a temporary file, read back here):

* ``bench_aliquora``: the mock's ``GET /api/v1/samples?limit=50`` against the
  bare Flask app serving the same page (target: mock >= 60% of the bare app's
  requests/s), then the memory of ``apidouble serve --workers 1`` (every
  system) under load (target: peak VmRSS < 150 MB);
* ``bench_qatrack``: a filtered test-instance query and performing a test list
  (no target: reported for comparison);
* ``bench_alemba``: a ``$filter`` + ``$select`` search against a plain list of
  the same page size (target: within 2x, i.e. query/plain time ratio <= 2).

Then prints one table: system, scenario, server, req/s, p50, p99 and the
target verdicts, with the 1-minute load average taken before each benchmark
and the CPUs other processes used during it (the servers and ``wrk`` share
the machine: CPU taken by anything else makes the numbers noisy). Exits 1 when
a target is missed, 2 when a benchmark failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from apidouble.load.bench import bench_alemba, bench_aliquora, bench_qatrack
from apidouble.load.bench._procs import install_cleanup


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _cpu_seconds() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, of this process and its reaped children)."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    # user, nice, system: irq and softirq time (loopback traffic) is charged to no process
    busy = sum(fields[:3])
    own = os.times()
    return (busy / os.sysconf("SC_CLK_TCK"),
            own.user + own.system + own.children_user + own.children_system)


class Foreign:
    """CPU used by processes other than this benchmark's, in cores, over a ``with`` block.

    The servers and ``wrk`` are reaped children, so their CPU time is ours; what is left
    of the machine's busy time is someone else's (other jobs, tests, builds).
    """

    def __enter__(self) -> Foreign:
        self.started = time.monotonic()
        self.machine, self.own = _cpu_seconds()
        self.cores = 0.0
        return self

    def __exit__(self, *_exc: object) -> None:
        machine, own = _cpu_seconds()
        wall = max(time.monotonic() - self.started, 1e-6)
        self.cores = max(0.0, (machine - self.machine) - (own - self.own)) / wall


def _run(label: str, main: Callable[[Sequence[str]], int], argv: list[str], directory: Path,
         failures: list[str]) -> tuple[dict[str, Any] | None, str]:
    """One benchmark's ``main(argv + --json tmp)``: its JSON (None if it failed), and the
    load: the 1-minute load average before it, and the other processes' CPU during it."""
    before = _load().split()[0]
    output = directory / f"{label}.json"
    print(f"\n=== {label} ({' '.join(argv)}); load average {_load()} ===", flush=True)
    started = time.monotonic()
    result = None
    with Foreign() as foreign:
        try:
            main([*argv, "--json", str(output)])
            result = json.loads(output.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 (report it, go on with the other systems)
            traceback.print_exc()
            failures.append(label)
    print(f"=== {label}: {time.monotonic() - started:.0f}s, other processes used "
          f"{foreign.cores:.2f} CPU on average ===", flush=True)
    return result, f"{before} / {foreign.cores:.2f}"


def _row(system: str, scenario: str, server: str, run: dict[str, Any] | None, target: str = "",
         load: str = "") -> dict[str, Any]:
    figures = {} if run is None else {key: run[key] for key in
                                      ("requests_per_s", "p50_ms", "p99_ms")}
    return {"system": system, "scenario": scenario, "server": server, **figures,
            "target": target, "load": load}


def collect(args: argparse.Namespace, directory: Path) -> dict[str, Any]:
    servers = ("gunicorn", "granian") if args.server == "both" else (args.server,)
    common = ["--duration", str(args.duration), "--warmup", str(args.warmup),
              "--rounds", str(args.rounds), "--workers", str(args.workers)]
    rows: list[dict[str, Any]] = []
    missed: list[str] = []
    failures: list[str] = []
    raw: dict[str, Any] = {}

    def verdict(ok: bool, text: str, what: str) -> str:
        if not ok:
            missed.append(what)
        return f"{text}: {'meets' if ok else 'MISSES'}"

    aliquora, load = _run("aliquora", bench_aliquora.main, ["--server", args.server, *common],
                          directory, failures)
    raw["aliquora"] = aliquora
    if aliquora is not None:
        for name, result in aliquora["throughput"].items():
            ratio = result["ratio"]
            rows.append(_row("aliquora", "GET samples?limit=50 (mock)", name, result["mock"],
                             verdict(ratio["meets_target"],
                                     f"mock/bare {ratio['rps_ratio']:.0%} >= "
                                     f"{bench_aliquora.TARGET_RATIO:.0%}",
                                     f"aliquora mock/bare ({name})"), load))
            rows.append(_row("aliquora", "same page, bare Flask app", name, result["bare"],
                             load=load))
        for name, memory in aliquora.get("memory", {}).items():
            rows.append(_row("serve (all)", "memory, --workers 1, under load", name, None,
                             verdict(memory["peak_rss_mb"] < bench_aliquora.TARGET_RSS_MB,
                                     f"peak RSS {memory['peak_rss_mb']:.1f} MB < "
                                     f"{bench_aliquora.TARGET_RSS_MB:.0f} MB "
                                     f"(PSS {memory['peak_pss_mb']:.1f})",
                                     f"serve RSS ({name})"), load))

    qatrack, load = _run("qatrack", bench_qatrack.main, ["--server", args.server, *common],
                         directory, failures)
    raw["qatrack"] = qatrack
    if qatrack is not None:
        for name, result in qatrack["servers"].items():
            rows.append(_row("qatrack", "GET testinstances filtered, 50", name, result["query"],
                             "(no target)", load))
            rows.append(_row("qatrack", "POST testlistinstances (perform)", name,
                             result["perform"], "(no target)", load))

    raw["alemba"] = {}
    for name in servers:
        alemba, load = _run(f"alemba-{name}", bench_alemba.main, ["--server", name, *common],
                            directory, failures)
        raw["alemba"][name] = alemba
        if alemba is None:
            continue
        rows.append(_row("alemba", "GET call?$top=50 (plain)", name, alemba["plain"], load=load))
        rows.append(_row("alemba", "$filter+$select, 50", name, alemba["query"],
                         verdict(alemba["meets_target"],
                                 f"query/plain {alemba['time_ratio']:.2f}x <= "
                                 f"{bench_alemba.TARGET_TIME_RATIO:.0f}x",
                                 f"alemba query/plain ({name})"), load))
    return {"config": vars(args), "rows": rows, "missed": missed, "failed": failures,
            "load_average_end": _load(), "results": raw}


def render(summary: dict[str, Any], args: argparse.Namespace) -> str:
    header = (f"{'system':<12} {'scenario':<33} {'server':<9} {'req/s':>7} {'p50 ms':>8} "
              f"{'p99 ms':>8}  {'load':<12} target")
    lines = ["", f"All systems: wrk 16 connections, 2 threads, {args.warmup}s warm-up, "
             f"{args.duration}s measured, median of {args.rounds} round(s), "
             f"{args.workers} worker(s); {os.cpu_count()} CPUs", "", header, "-" * len(header)]
    for row in summary["rows"]:
        if "requests_per_s" in row:
            figures = (f"{row['requests_per_s']:>7.0f} {row['p50_ms']:>8.2f} "
                       f"{row['p99_ms']:>8.2f}")
        else:
            figures = f"{'-':>7} {'-':>8} {'-':>8}"
        lines.append(f"{row['system']:<12} {row['scenario']:<33} {row['server']:<9} {figures}  "
                     f"{row['load']:<12} {row['target']}")
    lines += ["", "load: the 1-minute load average before the system's benchmark (it counts "
              "this benchmark's own servers and wrk too) / the CPUs used on average by "
              "other processes while it ran (0.00 on a quiet machine)",
              f"load average at the end: {summary['load_average_end']}"]
    if summary["failed"]:
        lines.append("FAILED: " + ", ".join(summary["failed"]) + " (see the traceback above)")
    if summary["missed"]:
        lines.append("targets missed: " + ", ".join(summary["missed"]))
    elif not summary["failed"]:
        lines.append("every target met")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=("gunicorn", "granian", "both"), default="both")
    parser.add_argument("--duration", type=int, default=8, choices=range(1, 61),
                        metavar="SECONDS (1..60)")
    parser.add_argument("--warmup", type=int, default=3, choices=range(0, 31),
                        metavar="SECONDS (0..30)")
    parser.add_argument("--rounds", type=int, default=1, choices=range(1, 4), metavar="1..3")
    parser.add_argument("--workers", type=int, default=1, choices=range(1, 17), metavar="1..16")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    install_cleanup()
    with tempfile.TemporaryDirectory(prefix="apidouble-bench-all-") as directory:
        summary = collect(args, Path(directory))
    print(render(summary, args))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if summary["failed"]:
        return 2
    return 1 if summary["missed"] else 0


if __name__ == "__main__":
    sys.exit(main())
