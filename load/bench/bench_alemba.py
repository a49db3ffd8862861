"""Benchmark: an Alemba ``$filter`` + ``$select`` search against a plain list of the same page.

    python -m apidouble.load.bench.bench_alemba [--server gunicorn|granian] [--workers 1]
        [--duration 10] [--warmup 3] [--rounds 1] [--json FILE]

Serves ``apidouble serve alemba --root --no-rate-limits --db sqlite:///<tmp>``,
logs in once as the demo analyst (the token lives 10 minutes: keep
``--rounds * 2 * (--duration + --warmup)`` well under that), and measures with
``wrk`` (16 connections, 2 threads), in turns, two searches of 50 calls:

* **plain**: ``GET call?$top=50`` (each result is ``_context`` and ``_self``);
* **query**: the same page size with a ``$filter`` that combines numbers, text,
  a date augmenter and ``||``/``&&``, and a ``$select`` through two relations.

It prints requests/s and p99 of both and the time ratio query/plain (target:
within 2x, i.e. the query makes at least half the plain list's requests/s).
The harness (processes, ``wrk``, median of rounds) is ``bench_aliquora``'s.
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

TARGET_TIME_RATIO = 2.0
PAGE = 50
API = "/alemba.api/api/v1"
PLAIN = {"$top": PAGE}
QUERY = {
    "$top": PAGE,
    "$select": "Ref,ShortDescription,Status,LoggedDate,Priority.Name,User.Name",
    "$filter": '(Priority<=3||ShortDescription.Contains("e"))&&!@IsDeleted'
               "&&LoggedDate>@DateTime(2000-01-01T00:00:00.000Z)",
    "$orderby": "Ref desc",
}


def search_url(base: str, params: dict[str, Any]) -> str:
    return f"{base}{API}/call?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def login(base: str) -> tuple[str, str]:
    """The demo analyst's access and refresh tokens."""
    credentials = get_json(f"{base}/__admin/credentials")["credentials"]
    analyst = next(c for c in credentials if c.get("name") == "analyst")
    form = {"grant_type": "password", "client_id": analyst["client_id"],
            "username": analyst["username"], "password": analyst["password"],
            "scope": analyst["scope"]}
    if analyst.get("client_secret"):
        form["client_secret"] = analyst["client_secret"]
    request = urllib.request.Request(f"{base}/alemba.web/oauth/login",
                                     data=urllib.parse.urlencode(form).encode())
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        grant = json.load(response)
    return grant["access_token"], grant["refresh_token"]


def logout(base: str, access: str, refresh: str) -> None:
    request = urllib.request.Request(f"{base}/alemba.web/oauth/login",
                                     data=urllib.parse.urlencode({"token": refresh}).encode(),
                                     headers={"Authorization": f"Bearer {access}"})
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (loopback)
        pass


def page_size(url: str, token: str) -> int:
    results = get_json(url, {"Authorization": f"Bearer {token}"}).get("results", [])
    return len(results)


def measure(args: argparse.Namespace, directory: Path) -> dict[str, Any]:
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(directory), "XDG_DATA_HOME": str(directory)}
    command = [sys.executable, "-m", "apidouble", "serve", "alemba", "--root",
               "--no-rate-limits", "--host", LOOPBACK, "--port", str(port),
               "--db", f"sqlite:///{directory / 'alemba.sqlite3'}", "--server", args.server,
               "--workers", str(args.workers)]
    urls = {"plain": search_url(base, PLAIN), "query": search_url(base, QUERY)}
    runs: dict[str, list[WrkResult]] = {"plain": [], "query": []}
    with server(command, f"{base}/__admin/credentials", directory / "alemba.log", env):
        access, refresh = login(base)
        headers = {"Authorization": f"Bearer {access}"}
        for name, url in urls.items():
            size = page_size(url, access)
            if size != PAGE:
                raise RuntimeError(f"{name} search returns {size} calls, not {PAGE}: {url}")
        options: dict[str, Any] = {"connections": args.connections, "threads": args.threads,
                                   "headers": headers}
        for turn in range(args.rounds):
            for name, url in urls.items():
                if turn == 0 and args.warmup:
                    wrk(url, args.warmup, **options)
                result = wrk(url, args.duration, **options)
                if result.non_2xx or result.socket_errors:
                    raise RuntimeError(f"{name}: {result.non_2xx} non-2xx answers, "
                                       f"{result.socket_errors} socket errors")
                runs[name].append(result)
        logout(base, access, refresh)
    plain, query = median_run(runs["plain"]), median_run(runs["query"])
    time_ratio = plain.requests_per_s / query.requests_per_s
    return {
        "plain": plain.as_json(), "query": query.as_json(), "urls": urls,
        "time_ratio": round(time_ratio, 3),
        "p99_ratio": round(query.p99_ms / plain.p99_ms, 3),
        "meets_target": time_ratio <= TARGET_TIME_RATIO,
    }


def render(result: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [f"wrk: {args.connections} connections, {args.threads} threads, {args.warmup}s "
             f"warm-up, {args.duration}s measured, median of {args.rounds} round(s); "
             f"{args.server} with {args.workers} worker(s); pages of {PAGE} calls", "",
             f"{'search':<7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"]
    for name in ("plain", "query"):
        run = result[name]
        lines.append(f"{name:<7} {run['requests_per_s']:>9.0f} {run['p50_ms']:>8.2f} "
                     f"{run['p99_ms']:>8.2f}")
    verdict = "meets" if result["meets_target"] else "MISSES"
    lines += ["", f"query/plain time ratio {result['time_ratio']:.2f}x "
              f"({verdict} <= {TARGET_TIME_RATIO:.0f}x); p99 ratio {result['p99_ratio']:.2f}x",
              f"query: GET {urllib.parse.unquote(result['urls']['query'])}"]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_wrk_arguments(parser, servers=("gunicorn", "granian"), default_server="gunicorn",
                      duration=10)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    install_cleanup()
    with tempfile.TemporaryDirectory(prefix="apidouble-bench-") as directory:
        result = measure(args, Path(directory))
    print(render(result, args))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
