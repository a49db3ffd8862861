"""How long the bench's writes hold SQLite's writer turn, in-process.

    python -m apidouble.load.bench.profile_writes [aliquora] [qatrack] [alisqi] [--requests 500]

On an SQLite file the writers of all processes take turns
(``core/writer_turns.py``), so a write's rate under load is bounded by how long
one write holds its turn. This builds each app in-process (a fresh SQLite file,
rate limits and the page cache off), sends the bench's own write (an Aliquora
sample with three tests; QATrack+'s reserved test list performed; the AlisQI
Locust mix's keyed storeResults of 20 new results, whose set grows with every
call, so its figure depends on ``--requests``) through
werkzeug's test client, and prints the microseconds per request and per turn
held, then the statements that still go through ``connection.execute``
(those on the driver, ``Storage.driver``, are not seen by SQLAlchemy's events).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from unittest import mock

import sqlalchemy as sa
from werkzeug.test import Client

from apidouble.load.bench import bench_qatrack
from apidouble.load.bench._inprocess import fresh_app
from apidouble.mock_server.core import writer_turns

SYSTEMS = ("aliquora", "qatrack", "alisqi")


class TurnClock:
    """Adds up the time the outermost writer turns are held."""

    def __init__(self) -> None:
        self.seconds, self.turns = 0.0, 0
        self._original = writer_turns.WriterTurns.turn

    @contextmanager
    def installed(self) -> Iterator[None]:
        original, clock = self._original, self

        @contextmanager
        def timed(turns: writer_turns.WriterTurns) -> Iterator[None]:
            outermost = not getattr(turns._local, "depth", 0)
            started = time.perf_counter()
            with original(turns):
                yield
            if outermost:
                clock.seconds += time.perf_counter() - started
                clock.turns += 1

        with mock.patch.object(writer_turns.WriterTurns, "turn", timed):
            yield


def aliquora_write(client: Client, db: str) -> Callable[[], None]:
    with sqlite3.connect(db) as connection:  # allowances off, as in the bench
        connection.execute("UPDATE aliquora_organizations "
                           "SET monthly_sample_allowance = 1000000000")
    credentials = client.get("/__admin/credentials").get_json()["credentials"]
    key = next(c["apiKey"] for c in credentials if c.get("plan") == "api")
    headers = {"Authorization": f"Bearer {key}"}
    definitions = client.get("/api/v1/test-definitions?limit=3", headers=headers).get_json()
    material = client.get("/api/v1/material-types?limit=1", headers=headers).get_json()
    body = json.dumps({"clientName": "apidouble bench", "materialTypeId":
                       material["data"][0]["id"], "collectionDate": "2025-10-01",
                       "priority": "normal",
                       "testDefinitionIds": [d["id"] for d in definitions["data"]]})
    return _poster(client, "/api/v1/samples", body, headers)


def qatrack_write(client: Client, _db: str) -> Callable[[], None]:
    def get_json(url: str, headers: dict[str, str] | None = None, timeout: float = 5) -> Any:
        return client.get("/" + url.split("://", 1)[1].split("/", 1)[1],
                          headers=headers or {}).get_json()

    with mock.patch.object(bench_qatrack, "get_json", get_json):
        token = bench_qatrack.performer_token("http://local")
        reader = bench_qatrack.Client("http://local", token)
        body = bench_qatrack.perform_body(reader, reader.get("/__admin/fixtures"))
    return _poster(client, bench_qatrack.PERFORM_PATH, json.dumps(body),
                   {"Authorization": f"Token {token}"})


def alisqi_write(client: Client, _db: str) -> Callable[[], None]:
    """The Locust mix's keyed push: 20 new results to set 1, matched on their batch number
    (each call looks its keys up in a set that every call makes larger)."""
    credentials = client.get("/__admin/credentials").get_json()["credentials"]
    token = next(c["token"] for c in credentials if c.get("token"))
    headers = {"Authorization": f"Bearer {token}"}
    calls = itertools.count()

    def post() -> None:
        call = next(calls)
        results = [{"product_": "PE-80 Film", "batchnumber_": f"PW-{call}-{index}",
                    "thickness_": 40} for index in range(20)]
        reply = client.post("/api/storeResults", headers=headers, data={
            "setId": "1", "keyField": "batchnumber_", "results": json.dumps(results)})
        if reply.status_code != 200 or any(reply.get_json()):
            raise RuntimeError(f"storeResults: {reply.status_code} {reply.data[:300]!r}")
    return post


def _poster(client: Client, path: str, body: str, headers: dict[str, str]
            ) -> Callable[[], None]:
    def post() -> None:
        reply = client.post(path, data=body, headers=headers, content_type="application/json")
        if reply.status_code != 201:
            raise RuntimeError(f"POST {path}: {reply.status_code} {reply.data[:300]!r}")
    return post


WRITES = {"aliquora": aliquora_write, "qatrack": qatrack_write, "alisqi": alisqi_write}


def run(system: str, requests: int) -> None:
    with fresh_app(system) as (app, db):
        post = WRITES[system](Client(app), db)
        for _ in range(min(requests, 100)):
            post()
        clock = TurnClock()
        with clock.installed():
            started = time.perf_counter()
            for _ in range(requests):
                post()
            elapsed = time.perf_counter() - started
        print(f"\n##### {system}: {elapsed / requests * 1e6:.0f} us/request, writer turn held "
              f"{clock.seconds / requests * 1e6:.0f} us in {clock.turns / requests:.1f} turns")
        _statements(app.extensions["apidouble"].storage.engine, post, requests)


def _statements(engine: sa.Engine, post: Callable[[], None], requests: int) -> None:
    """The statements still run through ``connection.execute``, by time per request."""
    seen: collections.defaultdict[str, list[float]] = collections.defaultdict(list)

    def before(connection: Any, *_args: Any) -> None:
        connection.info["apidouble_started"] = time.perf_counter()

    def after(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        took = time.perf_counter() - connection.info["apidouble_started"]
        seen[" ".join(statement.split())[:100]].append(took)

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        for _ in range(requests):
            post()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    for statement, times in sorted(seen.items(), key=lambda item: -sum(item[1])):
        print(f"{len(times) / requests:5.2f} x {sum(times) / len(times) * 1e6:7.1f} us  "
              f"{statement}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("systems", nargs="*", default=list(SYSTEMS),
                        help=f"any of {', '.join(SYSTEMS)} (default: all)")
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.systems) - set(SYSTEMS))
    if unknown:
        parser.error(f"no bench write for {', '.join(unknown)}: choose from {', '.join(SYSTEMS)}")
    for system in args.systems:
        run(system, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
