"""Benchmark: QATrack+'s filtered test-instance query and performing a test list.

    python -m apidouble.load.bench.bench_qatrack [--server gunicorn|granian] [--workers 1]
        [--duration 8] [--warmup 2] [--json FILE]

Serves ``apidouble serve qatrack --root --no-rate-limits`` and measures with
``wrk`` (16 connections, 2 threads), as ``bench_aliquora`` does:

* **query**: ``GET /api/qa/testinstances/?unit_test_info__unit__number=1&limit=50``,
  a filter across two relations, as the performer;
* **perform**: ``POST /api/qa/testlistinstances/`` of the reserved conformance
  collection, every non-calculated test given a value (each request creates an
  instance with its composites computed and every test evaluated).

There is no target; the figures go beside Aliquora's in the notes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apidouble.load.bench._procs import LOOPBACK, free_port, get_json, install_cleanup, server
from apidouble.load.bench._wrk import WrkResult, wrk

QUERY = "/api/qa/testinstances/?unit_test_info__unit__number=1&limit=50"
PERFORM = "/api/qa/testlistinstances/"
CALCULATED = ("composite", "scomposite")


def value_for(test: dict[str, Any]) -> dict[str, Any]:
    kind = test["type"]
    if kind == "constant":
        return {"value": test.get("constant_value")}
    if kind == "boolean":
        return {"value": True}
    if kind == "multchoice":
        return {"value": (test.get("choices") or "a").split(",")[0].strip()}
    if kind == "string":
        return {"value": "ok"}
    if kind == "upload":
        return {"filename": "daily.txt", "value": "daily output", "encoding": "text"}
    if kind in ("date", "datetime"):
        return {"skipped": True}
    return {"value": 1.0}


def perform_body(base: str, headers: dict[str, str]) -> dict[str, Any]:
    """A valid submission for the reserved conformance collection."""
    fixtures = get_json(f"{base}/__admin/fixtures")
    collection = next(c for c in fixtures["unit_test_collections"] if c["kind"] == "test_list")
    utc = get_json(base + collection["path"], headers)
    tests = [get_json(url, headers) for url in get_json(utc["tests_object"], headers)["tests"]]
    return {"unit_test_collection": utc["url"], "in_progress": False,
            "work_started": "2026-11-22 08:00", "work_completed": "2026-11-22 08:20",
            "tests": {t["slug"]: value_for(t) for t in tests if t["type"] not in CALCULATED}}


def lua_post(directory: Path, body: dict[str, Any], token: str) -> str:
    (directory / "perform.json").write_text(json.dumps(body), encoding="utf-8")
    script = directory / "perform.lua"
    script.write_text(
        f'local f = io.open("{directory / "perform.json"}", "r")\n'
        'wrk.method = "POST"\nwrk.body = f:read("*a")\nf:close()\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Token {token}"\n', encoding="utf-8")
    return str(script)


def check_perform(base: str, body: dict[str, Any], token: str) -> None:
    request = urllib.request.Request(
        base + PERFORM, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        if response.status != 201:
            raise RuntimeError(f"performing answered {response.status}")


def measure(args: argparse.Namespace, directory: Path) -> dict[str, Any]:
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(directory), "XDG_DATA_HOME": str(directory)}
    command = [sys.executable, "-m", "apidouble", "serve", "qatrack", "--root",
               "--no-rate-limits", "--host", LOOPBACK, "--port", str(port),
               "--db", f"sqlite:///{directory / 'qatrack.sqlite3'}", "--server", args.server,
               "--workers", str(args.workers)]
    with server(command, f"{base}/__admin/credentials", directory / "qatrack.log", env):
        credentials = get_json(f"{base}/__admin/credentials")["credentials"]
        token = next(c["token"] for c in credentials if c.get("can_perform"))
        headers = {"Authorization": f"Token {token}"}
        body = perform_body(base, headers)
        check_perform(base, body, token)
        script = lua_post(directory, body, token)
        options: dict[str, Any] = {"connections": args.connections, "threads": args.threads}
        results: dict[str, WrkResult] = {}
        for name, url, extra in (("query", base + QUERY, {"headers": headers}),
                                 ("perform", base + PERFORM, {"script": script})):
            if args.warmup:
                wrk(url, args.warmup, **options, **extra)
            results[name] = wrk(url, args.duration, **options, **extra)
            if results[name].non_2xx or results[name].socket_errors:
                raise RuntimeError(f"{name}: {results[name].non_2xx} non-2xx answers")
    return {name: result.as_json() for name, result in results.items()}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn")
    parser.add_argument("--workers", type=int, default=1, choices=range(1, 17), metavar="1..16")
    parser.add_argument("--duration", type=int, default=8, choices=range(1, 121),
                        metavar="SECONDS (1..120)")
    parser.add_argument("--warmup", type=int, default=2, choices=range(0, 31),
                        metavar="SECONDS (0..30)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    install_cleanup()
    with tempfile.TemporaryDirectory(prefix="apidouble-bench-") as directory:
        result = measure(args, Path(directory))
    print(f"QATrack+ on {args.server}, {args.workers} worker(s), wrk {args.connections} "
          f"connections, {args.duration}s")
    print(f"{'scenario':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, run in result.items():
        print(f"{name:<9} {run['requests_per_s']:>8.0f} {run['p50_ms']:>8.2f} "
              f"{run['p99_ms']:>8.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
