"""Running ``wrk`` and reading its ``--latency`` report."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
PERCENTILE = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def parse_wrk(text: str) -> WrkResult:
    """The figures of a ``wrk --latency`` report; ValueError if it has none."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", text, re.M)
    percentiles = {p: float(v) * UNITS_MS[u] for p, v, u in PERCENTILE.findall(text)}
    if rate is None or total is None or "99" not in percentiles:
        raise ValueError(f"not a wrk --latency report:\n{text}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       text)
    return WrkResult(
        requests_per_s=float(rate.group(1)),
        p50_ms=percentiles["50"],
        p99_ms=percentiles["99"],
        requests=int(total.group(1)),
        seconds=float(total.group(2)) * UNITS_MS[total.group(3)] / 1000,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def wrk(url: str, seconds: int, *, connections: int = 16, threads: int = 2,
        headers: dict[str, str] | None = None, script: str | None = None) -> WrkResult:
    """Run wrk against ``url``; ``script`` is a Lua file (e.g. to POST a body)."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    command = [binary, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", script]
    done = subprocess.run(command + [url], capture_output=True, text=True,
                          timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def median_run(runs: list[WrkResult]) -> WrkResult:
    """The run with the median requests/s (the lower middle one for an even count)."""
    return sorted(runs, key=lambda run: run.requests_per_s)[(len(runs) - 1) // 2]


def add_wrk_arguments(parser: argparse.ArgumentParser, *, servers: Sequence[str],
                      default_server: str, duration: int) -> None:
    """The options every per-system benchmark shares: server, workers, wrk's shape, output."""
    parser.add_argument("--server", choices=tuple(servers), default=default_server)
    parser.add_argument("--workers", type=int, default=1, choices=range(1, 17), metavar="1..16")
    parser.add_argument("--duration", type=int, default=duration, choices=range(1, 121),
                        metavar="SECONDS (1..120)")
    parser.add_argument("--warmup", type=int, default=3, choices=range(0, 31),
                        metavar="SECONDS (0..30)")
    parser.add_argument("--rounds", type=int, default=1, choices=range(1, 6), metavar="1..5")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
