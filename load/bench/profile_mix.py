"""Where a system's Locust mix spends the server's time, per kind of request, in-process.

    python -m apidouble.load.bench.profile_mix [SYSTEM ...] [--tasks 600] [--seed 1] [--warm-up 100]

The benchmark's mixes report each kind of request at about the mix's p99: with
16 users that never pause, every request waits in the same queue, so the
latency says little about which request fills it. This runs the system's own
Locust user (``load/<system>.py``: its ``on_start`` and its weighted tasks, with
a fixed seed) against the app built in-process (a fresh SQLite file, rate
limits and the page cache off): every HTTP request the user sends (through
Locust's ``FastHttpSession``, and the credentials it fetches with ``requests``)
is answered by the app through werkzeug's test client, with no server and no
sockets. After a warm-up (100 tasks) it prints, for each kind
of request (Locust's name for it), how many were sent, the server's mean, p50
and p99 microseconds, its share of the server's time, and the SQL statements
each one ran on average: all of them (SQLite's own count, so statements on the
driver are seen too: a number that grows with the page size is a query per
row), and those run through SQLAlchemy's ``execute`` ("via SA"), which cost
some 50-100 us more each than on the driver (``core.driver_sql``).
"""

from __future__ import annotations

import argparse
import collections
import importlib
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast
from unittest import mock
from urllib.parse import urlsplit

import sqlalchemy as sa
from werkzeug.test import Client

from apidouble.load.bench._inprocess import fresh_app

SYSTEMS = ("aliquora", "qatrack", "alemba", "alisqi", "qses")
#: as the benchmark runs the mixes: no think time, and QS Enrolment's client-side pacing off
UNPACED = {"APIDOUBLE_THINK_TIME": "0,0", "APIDOUBLE_QSES_PACE": "0"}


class Timings:
    """Per kind of request: the server's seconds and the statements it ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = collections.defaultdict(list)
        self.statements: dict[str, list[int]] = collections.defaultdict(list)
        self.sqlalchemy: dict[str, list[int]] = collections.defaultdict(list)
        self.name: str | None = None  # Locust's name of the request being sent
        self.counted = 0  # statements of the request being answered
        self.counted_sqlalchemy = 0  # of those, the ones run through SQLAlchemy

    def count(self, _statement: str) -> None:
        """SQLite's trace callback: one more statement run."""
        self.counted += 1

    def count_sqlalchemy(self, *_args: Any) -> None:
        """SQLAlchemy's ``before_cursor_execute``: one more statement run through it, not
        on the driver (``core.driver_sql``)."""
        self.counted_sqlalchemy += 1

    def answer(self, client: Client, method: str, path: str, body: Any,
               headers: dict[str, str]) -> Any:
        """The app's answer to one request, timed and its statements counted under the
        request's Locust name (else its path)."""
        self.counted = self.counted_sqlalchemy = 0
        started = time.perf_counter()
        answer = client.open(path, method=method, data=body, headers=headers)
        name = f"{method} {self.name or urlsplit(path).path}"
        self.seconds[name].append(time.perf_counter() - started)
        self.statements[name].append(self.counted)
        self.sqlalchemy[name].append(self.counted_sqlalchemy)
        return answer

    def clear(self) -> None:
        self.seconds.clear()
        self.statements.clear()
        self.sqlalchemy.clear()

    def report(self, system: str, tasks: int, failures: int) -> str:
        total = sum(sum(values) for values in self.seconds.values()) or 1.0
        requests = sum(len(values) for values in self.seconds.values())
        lines = [f"##### {system}: {tasks} tasks, {requests} requests, {failures} failures, "
                 f"{total / max(requests, 1) * 1e6:.0f} us/request on the server"]
        lines.append(f"{'request':58} {'n':>5} {'mean us':>8} {'p50 us':>7} {'p99 us':>7} "
                     f"{'share':>6} {'stmts':>6} {'via SA':>6}")
        for name in sorted(self.seconds, key=lambda n: -sum(self.seconds[n])):
            values = sorted(self.seconds[name])
            counts, through = self.statements[name], self.sqlalchemy[name]
            lines.append(f"{name[:58]:58} {len(values):5d} "
                         f"{sum(values) / len(values) * 1e6:8.0f} "
                         f"{values[len(values) // 2] * 1e6:7.0f} "
                         f"{values[min(len(values) - 1, len(values) * 99 // 100)] * 1e6:7.0f} "
                         f"{sum(values) / total:6.0%} {sum(counts) / len(counts):6.1f} "
                         f"{sum(through) / len(through):6.1f}")
        return "\n".join(lines)


def run(system: str, tasks: int, seed: int, warm_up: int = 100) -> str:
    from locust import FastHttpUser
    from locust.contrib.fasthttp import FastHttpSession
    from locust.env import Environment

    module = importlib.import_module(f"apidouble.load.{system}")
    user_class = next(value for value in vars(module).values()
                      if isinstance(value, type) and issubclass(value, FastHttpUser)
                      and value.__module__ == module.__name__
                      and not value.__dict__.get("abstract", False))
    timings = Timings()
    host = f"http://{system}.mock.invalid"  # the profiles keep what they learn per host
    with fresh_app(system) as (app, _db):
        engine = app.extensions["apidouble"].storage.engine
        sa.event.listen(engine, "connect", lambda connection, _record:
                        connection.set_trace_callback(timings.count))
        sa.event.listen(engine, "before_cursor_execute", timings.count_sqlalchemy)
        engine.pool.dispose()  # the connections seeding opened are not traced
        client = Client(app)
        with _answered_by(client, timings), _requests_answered_by(client, timings), \
                _named(FastHttpSession, timings), \
                mock.patch.object(user_class, "host", host), \
                mock.patch.dict(os.environ, UNPACED):
            random.seed(seed)
            environment = Environment(user_classes=[user_class], host=host)
            # Locust's statistics listen to requests only under a runner, and there is none
            failed: list[str] = []

            def record(name: str = "", exception: BaseException | None = None,
                       **_kw: Any) -> None:
                if exception is not None:
                    failed.append(f"{name}: {exception}")

            environment.events.request.add_listener(record)
            user = user_class(environment)
            user.on_start()
            for _ in range(warm_up):
                random.choice(user.tasks)(user)
            timings.clear()
            for _ in range(tasks):
                random.choice(user.tasks)(user)
    report = timings.report(system, tasks, len(failed))
    return "\n".join([report, *(f"  failed: {line}" for line in failed[:5])])


@contextmanager
def _answered_by(client: Client, timings: Timings) -> Iterator[None]:
    """Every request the user's ``FastHttpSession`` sends, answered by the app in-process:
    the request is built as geventhttpclient builds it (query, form and multipart bodies,
    headers), and the app's answer is handed back as geventhttpclient's response."""
    from geventhttpclient.header import Headers
    from geventhttpclient.useragent import _make_request
    from locust.contrib.fasthttp import FastHttpSession, FastRequest, FastResponse

    def send(session: Any, method: str, url: str, **options: Any) -> FastResponse:
        headers = Headers(session.client.default_headers)
        headers.update(options.get("headers") or {})
        request = _make_request(url, method, headers=headers, payload=options.get("payload"),
                                params=options.get("params"), files=options.get("files"),
                                request_type=FastRequest)
        # the query included, as it is sent
        answer = timings.answer(client, method, request.url_split.request_uri,
                                request.payload, dict(request.headers.items()))
        socket_response: Any = _Answer(answer.status_code, list(answer.headers.items()),
                                       answer.data)
        return FastResponse(socket_response, cast(FastRequest, request))

    with mock.patch.object(FastHttpSession, "_send_request_safe_mode", send):
        yield


class _Answer:
    """The part of geventhttpclient's socket response that ``FastResponse`` reads."""

    def __init__(self, code: int, headers: list[tuple[str, str]], body: bytes) -> None:
        from geventhttpclient.header import Headers

        self._code, self._body, self.length = code, body, len(body)
        self._headers_index = Headers(headers)

    def get_code(self) -> int:
        return self._code

    def read(self, _size: int | None = None) -> bytes:
        body, self._body = self._body, b""
        return body

    def release(self) -> None:
        pass


@contextmanager
def _requests_answered_by(client: Client, timings: Timings) -> Iterator[None]:
    """Every request ``requests`` sends (the profiles fetch our mock's demo credentials
    with it, outside Locust), answered by the app in-process."""
    import requests
    from requests.adapters import HTTPAdapter
    from requests.structures import CaseInsensitiveDict

    def send(_adapter: Any, request: Any, **_options: Any) -> requests.Response:
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        answer = timings.answer(client, request.method, path, request.body,
                                dict(request.headers))
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.data
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    with mock.patch.object(HTTPAdapter, "send", send):
        yield


@contextmanager
def _named(session_class: Any, timings: Timings) -> Iterator[None]:
    """Locust's name of each request (``rest(..., name=...)``), kept while it is sent."""
    original = session_class.request

    def request(session: Any, method: str, url: str, *args: Any, name: str | None = None,
                **kwargs: Any) -> Any:
        timings.name = name or urlsplit(url).path
        try:
            return original(session, method, url, *args, name=name, **kwargs)
        finally:
            timings.name = None

    with mock.patch.object(session_class, "request", request):
        yield


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("systems", nargs="*", default=list(SYSTEMS))
    parser.add_argument("--tasks", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warm-up", type=int, default=100, help="tasks run before timing")
    args = parser.parse_args(argv)
    unknown = [s for s in args.systems if s not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system {unknown[0]!r}: choose from {', '.join(SYSTEMS)}")
    for system in args.systems:
        print(run(system, args.tasks, args.seed, args.warm_up), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
