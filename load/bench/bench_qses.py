"""Benchmark: QS Enrolment's 50-contact page, rotating over pages and filters.

    python -m apidouble.load.bench.bench_qses [--server gunicorn|granian|both]
        [--workers 1] [--duration 10] [--warmup 3] [--rounds 1] [--json FILE]

Serves ``apidouble serve qses --root --no-rate-limits --db sqlite:///<tmp>`` on
127.0.0.1 and measures with ``wrk`` (16 connections, 2 threads) as the
``integration.full`` account (a bearer token from ``POST /crms/api/token``).
A Lua script rotates over ``GET /crms/api/contacts?limit=50`` at offsets 0,
50, ... 550, with and without ``returnTotal=true``, and filtered by
``countryOfCitizenship`` (every page full, or the filter's last one), so the
page cache sees many different keys. No target: reported for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apidouble.load.bench._procs import LOOPBACK, free_port, get_json, install_cleanup, server
from apidouble.load.bench._wrk import WrkResult, add_wrk_arguments, median_run, wrk

ACCOUNT = "integration.full"
PAGE = 50
COUNTRIES = ("CN", "IN", "VN", "BR", "ID", "PH")


def token(base: str) -> str:
    entry = next(c for c in get_json(f"{base}/__admin/credentials")["credentials"]
                 if c["username"] == ACCOUNT)
    form = urllib.parse.urlencode({"grant_type": "password", "username": ACCOUNT,
                                   "password": entry["password"]}).encode()
    with urllib.request.urlopen(f"{base}/crms/api/token", data=form, timeout=10) as reply:  # noqa: S310
        return str(json.load(reply)["access_token"])


def paths() -> list[str]:
    found = [f"/crms/api/contacts?limit={PAGE}&offset={offset}" for offset in range(0, 600, PAGE)]
    found += [f"/crms/api/contacts?limit={PAGE}&offset={offset}&returnTotal=true"
              for offset in range(0, 300, PAGE)]
    found += [f"/crms/api/contacts?countryOfCitizenship={country}&limit={PAGE}"
              for country in COUNTRIES]
    return found


def write_script(directory: Path, bearer: str) -> Path:
    listed = ",\n".join(f'  "{path}"' for path in paths())
    script = directory / "qses_pages.lua"
    script.write_text(
        f"local paths = {{\n{listed}\n}}\nlocal i = 0\n"
        f'wrk.headers["Authorization"] = "Bearer {bearer}"\n'
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n', encoding="utf-8")
    return script


def measure_server(args: argparse.Namespace, directory: Path, server_name: str) -> dict[str, Any]:
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(directory), "XDG_DATA_HOME": str(directory)}
    command = [sys.executable, "-m", "apidouble", "serve", "qses", "--root",
               "--no-rate-limits", "--host", LOOPBACK, "--port", str(port),
               "--db", f"sqlite:///{directory / f'qses-{server_name}.sqlite3'}",
               "--server", server_name, "--workers", str(args.workers)]
    options: dict[str, Any] = {"connections": args.connections, "threads": args.threads}
    runs: list[WrkResult] = []
    with server(command, f"{base}/__admin/credentials",
                directory / f"qses-{server_name}.log", env):
        script = str(write_script(directory, token(base)))
        for turn in range(args.rounds):
            if turn == 0 and args.warmup:
                wrk(base + "/", args.warmup, script=script, **options)
            result = wrk(base + "/", args.duration, script=script, **options)
            if result.non_2xx or result.socket_errors:
                raise RuntimeError(f"pages: {result.non_2xx} non-2xx answers, "
                                   f"{result.socket_errors} socket errors")
            runs.append(result)
    return {"pages": median_run(runs).as_json(), "rounds": [r.as_json() for r in runs],
            "paths": len(paths())}


def render(results: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [f"wrk: {args.connections} connections, {args.threads} threads, {args.warmup}s "
             f"warm-up, {args.duration}s measured, median of {args.rounds} round(s); "
             f"{args.workers} worker(s); GET contacts?limit={PAGE} rotating over "
             f"{len(paths())} pages and filters", "",
             f"{'server':<9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}"]
    for name, result in results.items():
        run = result["pages"]
        lines.append(f"{name:<9} {run['requests_per_s']:>9.0f} {run['p50_ms']:>8.2f} "
                     f"{run['p99_ms']:>8.2f} {run['requests']:>9}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_wrk_arguments(parser, servers=("gunicorn", "granian", "both"), default_server="both",
                      duration=10)
    args = parser.parse_args(argv)
    install_cleanup()
    servers = ("gunicorn", "granian") if args.server == "both" else (args.server,)
    with tempfile.TemporaryDirectory(prefix="apidouble-bench-qses-") as directory:
        results = {name: measure_server(args, Path(directory), name) for name in servers}
    print(render(results, args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
