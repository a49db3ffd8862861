"""Benchmark: the Aliquora mock against a bare Flask app, and the memory of ``apidouble serve``.

    python -m apidouble.load.bench.bench_aliquora [--server gunicorn|granian|both]
        [--workers 1] [--duration 10] [--warmup 3] [--json FILE]

For each server, with ``wrk`` (16 connections, 2 threads; a warm-up, then
``--duration`` seconds measured; with ``--rounds N`` the two apps are measured
in turns N times and the median run of each is reported), on 127.0.0.1:

* **mock**: authenticated ``GET /api/v1/samples?limit=50`` against
  ``apidouble serve aliquora --root --no-rate-limits --db sqlite:///<tmp>``;
* **bare**: the same URL on ``bare_app`` (same server, same workers), which
  serialises the very page the mock served, with the mock's own encoder.

It reports requests/s and p99 latency of both and their ratio (target: the
mock makes at least 60% of the bare app's requests/s), then the peak memory
of ``apidouble serve --workers 1`` (every implemented system) under the same
load: VmRSS summed over the server's processes (target < 150 MB), and PSS,
which counts pages shared after fork once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apidouble.load.bench._procs import (
    LOOPBACK,
    RssSampler,
    free_port,
    get_json,
    install_cleanup,
    server,
)
from apidouble.load.bench._wrk import WrkResult, median_run, wrk

TARGET_RATIO = 0.60
TARGET_RSS_MB = 150.0
URL_PATH = "/api/v1/samples?limit=50"


class Bench:
    def __init__(self, args: argparse.Namespace, directory: Path) -> None:
        self.args = args
        self.directory = directory
        # Each child gets its own gunicorn control socket and data directory.
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(directory),
                    "XDG_DATA_HOME": str(directory)}
        self.page_file = directory / "page.json"

    def load(self, url: str, key: str, warmup: int = 0) -> WrkResult:
        headers = {"Authorization": f"Bearer {key}"}
        options: dict[str, Any] = {"connections": self.args.connections,
                                   "threads": self.args.threads, "headers": headers}
        if warmup:
            wrk(url, warmup, **options)
        result = wrk(url, self.args.duration, **options)
        if result.non_2xx or result.socket_errors:
            raise RuntimeError(f"{url}: {result.non_2xx} non-2xx answers, "
                               f"{result.socket_errors} socket errors")
        return result

    def serve_command(self, server_name: str, port: int, db: str, *systems: str) -> list[str]:
        return [sys.executable, "-m", "apidouble", "serve", *systems, "--host", LOOPBACK,
                "--port", str(port), "--db", f"sqlite:///{self.directory / db}",
                "--server", server_name]

    def throughput(self, server_name: str) -> dict[str, Any]:
        """Mock and bare app up side by side, measured in turns (``--rounds`` times each)."""
        mock_port, bare_port = free_port(), free_port()
        mock_base, bare_base = f"http://{LOOPBACK}:{mock_port}", f"http://{LOOPBACK}:{bare_port}"
        mock_command = self.serve_command(
            server_name, mock_port, f"mock-{server_name}.sqlite3", "aliquora"
        ) + ["--root", "--no-rate-limits", "--workers", str(self.args.workers)] + (
            ["--no-page-cache"] if self.args.no_page_cache else [])
        bare_command = [sys.executable, "-m", "apidouble.load.bench.bare_app",
                        "--records", str(self.page_file), "--server", server_name,
                        "--host", LOOPBACK, "--port", str(bare_port),
                        "--workers", str(self.args.workers)]
        runs: dict[str, list[WrkResult]] = {"mock": [], "bare": []}
        with server(mock_command, f"{mock_base}/__admin/credentials",
                    self.directory / f"mock-{server_name}.log", self.env):
            key = self.key_and_page(mock_base)
            with server(bare_command, bare_base + URL_PATH,
                        self.directory / f"bare-{server_name}.log", self.env):
                for turn in range(self.args.rounds):
                    warmup = self.args.warmup if turn == 0 else 0
                    runs["mock"].append(self.load(mock_base + URL_PATH, key, warmup))
                    runs["bare"].append(self.load(bare_base + URL_PATH, "unused", warmup))
        mock, bare = (median_run(runs[app]) for app in ("mock", "bare"))
        return {"mock": mock.as_json(), "bare": bare.as_json(), "ratio": compare(mock, bare),
                "rounds": {app: [run.as_json() for run in results]
                           for app, results in runs.items()}}

    def key_and_page(self, base: str) -> str:
        """An API-plan key whose page has 50 samples; save that page once for the bare app."""
        credentials = get_json(f"{base}/__admin/credentials")["credentials"]
        for credential in credentials:
            if credential.get("plan") != "api":
                continue
            page = get_json(base + URL_PATH,
                            {"Authorization": f"Bearer {credential['apiKey']}"})
            if len(page.get("data", [])) == 50:
                if not self.page_file.exists():
                    self.page_file.write_text(json.dumps(page), encoding="utf-8")
                return str(credential["apiKey"])
        raise RuntimeError("no demo key sees 50 samples: is the fixture data complete?")

    def memory(self, server_name: str) -> dict[str, Any]:
        """``apidouble serve --workers 1`` (every system) under load: peak VmRSS and PSS."""
        port = free_port()
        base = f"http://{LOOPBACK}:{port}/aliquora"
        command = self.serve_command(server_name, port, f"all-{server_name}.sqlite3") + [
            "--workers", "1", "--no-rate-limits"]
        with server(command, f"{base}/__admin/credentials",
                    self.directory / f"all-{server_name}.log", self.env) as process:
            key = self.key_and_page(base)
            idle = RssSampler(process.pid)
            idle.sample()
            with RssSampler(process.pid) as busy:
                self.load(base + URL_PATH, key, self.args.warmup)
            busy.sample()
        return {
            "idle_rss_mb": round(idle.peak_rss_kb / 1024, 1),
            "peak_rss_mb": round(busy.peak_rss_kb / 1024, 1),
            "peak_pss_mb": round(busy.peak_pss_kb / 1024, 1),
            "processes": len(busy.peak_per_process_kb),
            "per_process_peak_rss_mb": sorted(
                (round(kb / 1024, 1) for kb in busy.peak_per_process_kb.values()),
                reverse=True),
            "samples": busy.samples,
        }


def compare(mock: WrkResult, bare: WrkResult) -> dict[str, Any]:
    ratio = mock.requests_per_s / bare.requests_per_s
    return {
        "rps_ratio": round(ratio, 3),
        "p99_ratio": round(bare.p99_ms / mock.p99_ms, 3),  # above 1 when the mock is faster
        "meets_target": ratio >= TARGET_RATIO,
    }


def render(results: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        f"wrk: {args.connections} connections, {args.threads} threads, {args.warmup}s warm-up, "
        f"{args.duration}s measured, median of {args.rounds} round(s) taken in turns; "
        f"{args.workers} worker(s); GET {URL_PATH}",
        "",
        f"{'server':<9} {'app':<5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}   mock/bare",
    ]
    for name, result in results["throughput"].items():
        mock, bare, ratio = result["mock"], result["bare"], result["ratio"]
        lines.append(f"{name:<9} {'mock':<5} {mock['requests_per_s']:>9.0f} "
                     f"{mock['p50_ms']:>8.2f} {mock['p99_ms']:>8.2f}   "
                     f"req/s {ratio['rps_ratio']:.0%} "
                     f"({'meets' if ratio['meets_target'] else 'MISSES'} >= {TARGET_RATIO:.0%})")
        lines.append(f"{'':<9} {'bare':<5} {bare['requests_per_s']:>9.0f} "
                     f"{bare['p50_ms']:>8.2f} {bare['p99_ms']:>8.2f}   "
                     f"p99 bare/mock {ratio['p99_ratio']:.0%}")
    for name, memory in results.get("memory", {}).items():
        verdict = "meets" if memory["peak_rss_mb"] < TARGET_RSS_MB else "MISSES"
        lines += ["", f"apidouble serve --workers 1 --server {name} (every system), under load: "
                  f"peak VmRSS {memory['peak_rss_mb']} MB over {memory['processes']} processes "
                  f"({verdict} < {TARGET_RSS_MB:.0f} MB); per process "
                  f"{memory['per_process_peak_rss_mb']}; PSS {memory['peak_pss_mb']} MB; "
                  f"idle {memory['idle_rss_mb']} MB"]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=("gunicorn", "granian", "both"), default="both")
    parser.add_argument("--workers", type=int, default=1, choices=range(1, 17), metavar="1..16")
    parser.add_argument("--duration", type=int, default=10, choices=range(1, 601),
                        metavar="SECONDS (1..600)")
    parser.add_argument("--warmup", type=int, default=3, choices=range(0, 61),
                        metavar="SECONDS (0..60)")
    parser.add_argument("--rounds", type=int, default=1, choices=range(1, 11), metavar="1..10",
                        help="measure mock and bare app in turns this many times; report "
                             "the median run of each (steadier on a busy machine)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-page-cache", action="store_true",
                        help="serve the mock with its page cache off (every request queries "
                             "and serialises)")
    parser.add_argument("--no-memory", dest="memory", action="store_false",
                        help="skip the memory measurement")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    install_cleanup()
    servers = ("gunicorn", "granian") if args.server == "both" else (args.server,)
    results: dict[str, Any] = {"config": vars(args) | {"url": URL_PATH}, "throughput": {}}
    with tempfile.TemporaryDirectory(prefix="apidouble-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        for name in servers:
            results["throughput"][name] = bench.throughput(name)
        if args.memory:
            results["memory"] = {name: bench.memory(name) for name in servers}
    print(render(results, args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    missed = [run for run in results["throughput"].values() if not run["ratio"]["meets_target"]]
    missed += [m for m in results.get("memory", {}).values() if m["peak_rss_mb"] >= TARGET_RSS_MB]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
