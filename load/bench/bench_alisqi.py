"""Benchmark: 100-result ``getResults`` pages of the AlisQI mock, rotating over pages and filters.

    python -m apidouble.load.bench.bench_alisqi [--server gunicorn|granian]
        [--workers 1] [--duration 10] [--warmup 3] [--rounds 1] [--json FILE]

Serves ``apidouble serve alisqi --root --no-rate-limits --db sqlite:///<tmp>`` on
127.0.0.1 and measures with ``wrk`` (16 connections, 2 threads) as the quality
manager's demo token. A Lua script sends each request to the next of a list of
URLs: the three seeded analysis sets, ``limit=100`` at every full page's offset, unfiltered,
filtered on a selection option (``{"line_":[{"value":n}]}`` and the shorthand
``{"product_":"..."}``) and sorted both ways, so consecutive requests never ask
for the same page. Every URL is checked to answer a full page of 100 before wrk
starts. Reports requests/s and p50/p99 latency; exits 1 on a non-2xx answer.
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

PAGE = 100
#: set id -> (a field filtered by option id, one filtered by label, results it holds at least)
SETS = {1: ("line_", "product_", 1400), 2: ("material_", "supplier_", 500),
        3: ("product_", "product_", 400)}
LUA = """paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def page_paths(definitions: dict[int, dict[str, Any]]) -> list[str]:
    """Different 100-result pages: offsets, sort orders and filters over three sets."""
    paths = []
    for set_id, (option_field, label_field, size) in SETS.items():
        fields = {f["name"]: f for f in definitions[set_id]["fields"]}
        for offset in range(0, size - PAGE + 1, 100):
            paths.append(_path(set_id, offset=offset, sort="date:desc"))
            paths.append(_path(set_id, offset=offset, sort="date:asc"))
        if size < 1000:
            continue  # a filtered page of a smaller set is not full
        for option in fields[option_field]["options"][:2]:
            condition = json.dumps({option_field: [{"value": option["id"]}]})
            paths.append(_path(set_id, filter=condition))
        for option in fields[label_field]["options"][:2]:
            paths.append(_path(set_id, filter=json.dumps({label_field: option["label"]})))
    return paths


def _path(set_id: int, **params: Any) -> str:
    query = urllib.parse.urlencode({"setId": set_id, "limit": PAGE, **params})
    return f"/api/getResults?{query}"


def check_pages(base: str, token: str, paths: Sequence[str]) -> None:
    for path in paths:
        request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            count = len(json.loads(response.read()))
        if count != PAGE:
            raise RuntimeError(f"{path}: {count} results, expected a full page of {PAGE}")


def run(args: argparse.Namespace, directory: Path) -> dict[str, Any]:
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(directory), "XDG_DATA_HOME": str(directory)}
    command = [sys.executable, "-m", "apidouble", "serve", "alisqi", "--root", "--host",
               LOOPBACK, "--port", str(port), "--db", f"sqlite:///{directory / 'as.sqlite3'}",
               "--no-rate-limits", "--server", args.server, "--workers", str(args.workers)]
    with server(command, f"{base}/__admin/credentials", directory / "serve.log", env):
        token = get_json(f"{base}/__admin/credentials")["credentials"][0]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        definitions = {s["id"]: s for s in get_json(f"{base}/api/getAllSets", headers)}
        paths = page_paths(definitions)
        check_pages(base, token, paths)
        script = directory / "pages.lua"
        script.write_text(LUA % ", ".join(json.dumps(p) for p in paths), encoding="utf-8")
        options: dict[str, Any] = {"connections": args.connections, "threads": args.threads,
                                   "headers": headers, "script": str(script)}
        if args.warmup:
            wrk(base + paths[0], args.warmup, **options)
        runs = [wrk(base + paths[0], args.duration, **options) for _ in range(args.rounds)]
    result: WrkResult = median_run(runs)
    return {"scenario": "getResults, 100 results a page", "pages": len(paths),
            "server": args.server, "workers": args.workers, **result.as_json()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_wrk_arguments(parser, servers=("gunicorn", "granian"), default_server="gunicorn",
                      duration=10)
    args = parser.parse_args(argv)
    install_cleanup()
    with tempfile.TemporaryDirectory(prefix="apidouble-bench-alisqi-") as tmp:
        result = run(args, Path(tmp))
    print(f"alisqi getResults ({result['pages']} pages of {PAGE} rotating): "
          f"{result['requests_per_s']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
          f"p99 {result['p99_ms']:.1f} ms ({args.server}, {args.workers} worker(s))")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if result["non_2xx"] or result["socket_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
