"""Where a stateful list request's time goes, per system, with the page cache off.

    python -m apidouble.load.bench.profile_lists [SYSTEM ...] [--requests 300] [--top 30]

Builds each system's app in-process (a fresh SQLite file, rate limits and the
page cache off), picks the same rotating URLs as ``python -m
apidouble.load.bench`` and calls the WSGI app with them (no server, no sockets):
first to warm up, then timed without the profiler (the honest microseconds per
request), then under cProfile, printing the functions with the most time of
their own and the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Sequence
from typing import Any

from werkzeug.test import Client

from apidouble.load.bench import suite
from apidouble.load.bench._inprocess import fresh_app


def urls(system: str, client: Client) -> tuple[dict[str, str], list[str]]:
    """Headers and rotating paths, found with the suite's own helpers over a test server."""
    from unittest import mock

    def get_json(url: str, headers: dict[str, str] | None = None, timeout: float = 5) -> Any:
        return client.get(url.split("local", 1)[1], headers=headers or {}).get_json()

    def urlopen(request: Any, data: bytes | None = None, timeout: float = 5) -> Any:
        url = request if isinstance(request, str) else request.full_url
        data = data if isinstance(request, str) else request.data
        reply = client.open(url.split("local", 1)[1], method="POST" if data else "GET",
                            data=data, headers=dict(getattr(request, "headers", {})),
                            content_type="application/x-www-form-urlencoded")
        return _Reply(reply.data)

    targets = [suite, suite.bench_qatrack, suite.bench_alemba, suite.bench_qses,
               suite.bench_alisqi]
    with mock.patch("urllib.request.urlopen", urlopen):
        patches = [mock.patch.object(t, "get_json", get_json) for t in targets
                   if hasattr(t, "get_json")]
        for patch in patches:
            patch.start()
        try:
            definition = suite.LISTS[system]
            headers = definition.auth("http://local")
            paths = definition.pages("http://local", headers)
        finally:
            for patch in patches:
                patch.stop()
    return headers, paths


class _Reply(io.BytesIO):
    def __enter__(self) -> _Reply:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def run(system: str, requests: int, top: int) -> None:
    with fresh_app(system) as (app, _db):
        client = Client(app)
        headers, paths = urls(system, client)

        def once(index: int) -> None:
            reply = client.get(paths[index % len(paths)], headers=headers)
            if reply.status_code != 200:
                raise RuntimeError(f"{paths[index % len(paths)]}: {reply.status_code}")

        for index in range(min(requests, 50)):
            once(index)
        started = time.perf_counter()
        for index in range(requests):
            once(index)
        per = (time.perf_counter() - started) / requests * 1e6
        print(f"\n##### {system}: {len(paths)} URLs rotating, {per:.0f} us/request "
              "(no profiler)")
        profiler = cProfile.Profile()
        profiler.enable()
        for index in range(requests):
            once(index)
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
            print(out.getvalue().split("\n", 6)[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("systems", nargs="*", default=list(suite.SYSTEMS))
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    for system in args.systems:
        run(system, args.requests, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
