"""Where a mock request's time goes: ``GET /api/v1/samples?limit=50`` under cProfile.

    python -m apidouble.load.bench.profile_aliquora [--requests 1000] [--top 25]

Calls the Aliquora app's WSGI callable in-process (no server, no sockets,
rate limits off, a fresh SQLite file), first untimed to warm up, then timed
without the profiler (the honest per-request cost), then under cProfile.
It prints the cost per request of each stage of the request path, inclusive
(a stage's time contains the stages under it), next to the bare app's whole
request, and the functions with the most time of their own.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from werkzeug.test import EnvironBuilder

from apidouble.load.bench.bare_app import create_app as create_bare_app
from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app

PATH, QUERY = "/api/v1/samples", "limit=50"

#: stage label -> (file suffix, function name); inclusive times, nested by indentation
STAGES: tuple[tuple[str, str, str], ...] = (
    ("whole request (Flask wsgi_app)", "flask/app.py", "wsgi_app"),
    ("  before_request: authenticate", "aliquora/access.py", "authenticate"),
    ("    sha256 of the key", "core/hashing.py", "hash_secret"),
    ("    rate limit (_limit; limits off)", "aliquora/access.py", "_limit"),
    ("      shared clock offset (state read)", "core/clock.py", "offset"),
    ("    lastUsedAt (_touch)", "aliquora/access.py", "_touch"),
    ("  view: list_samples", "aliquora/api_samples.py", "list_samples"),
    ("    page(): query + serialise rows", "aliquora/params.py", "page"),
    ("      cursor_page (the SELECT)", "core/pagination.py", "cursor_page"),
    ("      serializers.sample x50", "aliquora/serializers.py", "sample"),
    ("        iso_ms", "core/timefmt.py", "iso_ms"),
    ("    json_response (json.dumps)", "core/envelopes.py", "json_response"),
    ("  after_request: request log", "core/app.py", "_log"),
    ("    RequestLog.flush (DB write)", "core/requestlog.py", "flush"),
    ("all SQLAlchemy Connection.execute", "sqlalchemy/engine/base.py", "execute"),
    ("all SQLAlchemy Engine.connect/begin", "sqlalchemy/engine/base.py", "connect"),
    ("all DBAPI cursor.execute (sqlite3)", "~", "<method 'execute' of 'sqlite3.Cursor' objects>"),
    ("all row processing (Row, result fetch)", "sqlalchemy/engine/result.py", "all"),
)


def make_call(app: Any, headers: dict[str, str]) -> Callable[[], bytes]:
    environ = EnvironBuilder(path=PATH, query_string=QUERY,
                             headers=list(headers.items())).get_environ()

    def start_response(status: str, _headers: list, _exc: Any = None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"unexpected {status}")

    def call() -> bytes:
        return b"".join(app(dict(environ), start_response))

    return call


def per_request_us(call: Callable[[], object], requests: int, batches: int = 5) -> float:
    """Microseconds per call: the best of ``batches`` batches (robust to a busy machine)."""
    size = max(1, requests // batches)
    best = float("inf")
    for _ in range(batches):
        started = time.perf_counter()
        for _ in range(size):
            call()
        best = min(best, (time.perf_counter() - started) / size)
    return best * 1e6


def isolated_stages(app: Any, key: str, repeat: int) -> list[tuple[str, float]]:
    """Each stage of the request path timed alone, without the profiler (best of batches)."""
    from flask import g

    from apidouble.mock_server.aliquora import serializers
    from apidouble.mock_server.aliquora.access import authenticate, caller
    from apidouble.mock_server.core.app import current_core
    from apidouble.mock_server.core.envelopes import json_response
    from apidouble.mock_server.core.pagination import cursor_page
    from apidouble.mock_server.core.timefmt import iso_ms

    headers = {"Authorization": f"Bearer {key}"}
    with app.test_request_context(f"{PATH}?{QUERY}", headers=headers):
        core = current_core()
        authenticate()
        samples = core.storage["samples"]
        query = sa.select(samples).where(samples.c.organization_id == caller().organization_id)

        def page_query() -> list[Any]:
            with core.storage.connect() as connection:
                return list(cursor_page(connection, query, samples.c.id, limit=50,
                                        cursor=None).rows)

        def clock_read() -> float:
            g.pop("apidouble_clock_offset", None)
            return float(core.clock.offset())

        rows = page_query()
        page = {"data": [serializers.sample(row) for row in rows], "nextCursor": 1,
                "hasMore": True}
        stamp = rows[0].created_at
        stages: list[tuple[str, Callable[[], object]]] = [
            ("authenticate (key SELECT, clock read, _touch)", authenticate),
            ("  clock offset read (core_state SELECT)", clock_read),
            ("page SELECT of 51 rows (cursor_page + fetch)", page_query),
            ("serializers.sample x50", lambda: [serializers.sample(r) for r in rows]),
            ("  iso_ms x200 (4 timestamps per sample)", lambda: [iso_ms(stamp)
                                                                  for _ in range(200)]),
            ("json_response(page) (json.dumps)", lambda: json_response(page, 200)),
        ]
        return [(label, per_request_us(call, repeat)) for label, call in stages]


def stage_times(stats: pstats.Stats, requests: int) -> list[tuple[str, float, float]]:
    """(label, inclusive microseconds per request, calls per request) of each stage."""
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    out = []
    for label, suffix, name in STAGES:
        calls, total = 0, 0.0
        for (filename, _line, function), (_cc, nc, _tt, ct, _callers) in table.items():
            if function == name and filename.endswith(suffix):
                calls, total = calls + nc, total + ct
        out.append((label, total / requests * 1e6, calls / requests))
    return out


def top_own_time(stats: pstats.Stats, requests: int, top: int) -> Iterable[str]:
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (filename, line, function), (_cc, nc, tt, ct, _callers) in rows:
        where = "/".join(Path(filename).parts[-2:]) if filename != "~" else "builtin"
        yield (f"{tt / requests * 1e6:8.1f} {ct / requests * 1e6:8.1f} {nc / requests:6.1f}  "
               f"{where}:{line}({function})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="apidouble-profile-") as tmp:
        config = Config(db_url=f"sqlite:///{tmp}/aliquora.sqlite3", rate_limits=False)
        app = create_app("aliquora", config)
        client = app.test_client()
        credentials = client.get("/__admin/credentials").get_json()["credentials"]
        key = next(c["apiKey"] for c in credentials if c["plan"] == "api")
        mock = make_call(app, {"Authorization": f"Bearer {key}"})
        page = json.loads(mock())
        bare = make_call(create_bare_app(page), {})
        per_request_us(mock, 200)
        per_request_us(bare, 200)
        mock_us = per_request_us(mock, args.requests)
        bare_us = per_request_us(bare, args.requests)
        isolated = isolated_stages(app, key, max(args.requests // 2, 50))
        profiler = cProfile.Profile()
        profiler.runcall(per_request_us, mock, args.requests, 1)
    stats = pstats.Stats(profiler, stream=io.StringIO())
    print(f"in-process, {args.requests} requests, GET {PATH}?{QUERY}, "
          f"{len(page['data'])} samples per page")
    print(f"mock {mock_us:.0f} us/request, bare {bare_us:.0f} us/request "
          f"(bare/mock = {bare_us / mock_us:.0%}), no profiler\n")
    print("stage timed alone, no profiler                  us/call")
    for label, micros in isolated:
        print(f"{label:<46} {micros:9.1f}  ({micros / mock_us:.0%} of a mock request)")
    print("\nstage (inclusive, under cProfile)             us/request  calls/request")
    for label, micros, calls in stage_times(stats, args.requests):
        print(f"{label:<46} {micros:9.1f}  {calls:9.1f}")
    print(f"\nown us/req  cum us/req  calls/req  function (top {args.top} by own time)")
    for line in top_own_time(stats, args.requests, args.top):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
