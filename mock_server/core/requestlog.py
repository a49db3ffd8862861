"""The request journal behind ``GET /__admin/requests``, buffered so it never slows a request.

Each worker appends to an in-memory buffer and writes it to the database in
one batch within half a second (or every 200 requests), so every worker's
listing sees an entry at most half a second after its answer; reading the
journal flushes the reader's own buffer first. Entries arrive masked and cut short
(:mod:`.journal`); the journal keeps the newest :attr:`RequestLog.KEEP`
entries and at most :attr:`RequestLog.MAX_BYTES` of them, whichever is less.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

import sqlalchemy as sa

from .storage import Storage

JSON_COLUMNS = ("request_headers", "response_headers")
log = logging.getLogger("apidouble")


@dataclass(frozen=True)
class Matcher:
    """Which entries a listing or count selects; None matches anything."""

    method: str | None = None
    path: str | None = None  # a glob, on the path as sent
    status: int | None = None
    since: datetime | None = None  # naive UTC, on the mock's clock


class RequestLog:
    FLUSH_SECONDS = 0.5
    FLUSH_SIZE = 200
    KEEP = 5000
    MAX_BYTES = 16 * 1024 * 1024

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.table = storage.table(
            "core_journal",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("at", sa.DateTime, nullable=False, index=True),
            sa.Column("method", sa.String(16), nullable=False),
            sa.Column("path", sa.Text, nullable=False),
            sa.Column("query", sa.Text, nullable=False),
            sa.Column("status", sa.Integer, nullable=False),
            sa.Column("duration_ms", sa.Float, nullable=False),
            sa.Column("remote_addr", sa.String(64), nullable=True),
            sa.Column("request_headers", sa.Text, nullable=False),
            sa.Column("request_body", sa.Text, nullable=False),
            sa.Column("response_headers", sa.Text, nullable=False),
            sa.Column("response_body", sa.Text, nullable=False),
            sa.Column("size", sa.Integer, nullable=False),
            # who called, as the system names it (a token's name), where it says so
            sa.Column("subject", sa.String(200), nullable=True),
        )
        self._buffer: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()
        self._flushes = 0
        # one shared connection (an in-memory database) must not be used from a timer thread;
        # such a database has a single process, whose reads flush its own buffer
        self._deferred = ":memory:" not in storage.url and storage.url != "sqlite://"

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            first = not self._buffer
            self._buffer.append(entry)
            due = (
                len(self._buffer) >= self.FLUSH_SIZE
                or time.monotonic() - self._last_flush >= self.FLUSH_SECONDS
            )
        if due:
            self.flush()
        elif first and self._deferred:
            self._flush_later()

    def _flush_later(self) -> None:
        """Write a batch within FLUSH_SECONDS even if no other request comes to this worker,
        so another worker's listing or count sees it."""
        timer = threading.Timer(self.FLUSH_SECONDS, self._flush_quietly)
        timer.daemon = True
        timer.start()

    def _flush_quietly(self) -> None:
        try:
            self.flush()
        except Exception:  # noqa: BLE001  (a closed database at shutdown; the next flush retries)
            log.debug("deferred journal flush failed", exc_info=True)

    def flush(self) -> None:
        with self._lock:
            batch, self._buffer = self._buffer, []
            self._last_flush = time.monotonic()
        if not batch:
            return
        rows = [{**entry, **{c: json.dumps(entry[c]) for c in JSON_COLUMNS}} for entry in batch]
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(self.table.insert(), rows)
            self._flushes += 1
            if self._flushes % 20 == 0:
                self.trim(connection)

    def find(self, matcher: Matcher, limit: int | None) -> list[dict[str, Any]]:
        """Entries matching, newest first, at most ``limit``."""
        self.flush()
        found = []
        with self.storage.connect() as connection:
            for row in connection.execute(self._select(matcher)).mappings():
                if matcher.path is None or fnmatchcase(row["path"], matcher.path):
                    found.append(_decoded(row))
                    if limit is not None and len(found) >= limit:
                        break
        return found

    def count(self, matcher: Matcher) -> int:
        if matcher.path is not None:
            return len(self.find(matcher, None))
        self.flush()
        query = sa.select(sa.func.count()).select_from(self._select(matcher).subquery())
        with self.storage.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def _select(self, matcher: Matcher) -> sa.Select:
        t = self.table
        query = sa.select(t).order_by(t.c.id.desc())
        if matcher.method is not None:
            query = query.where(t.c.method == matcher.method.upper())
        if matcher.status is not None:
            query = query.where(t.c.status == matcher.status)
        if matcher.since is not None:
            query = query.where(t.c.at >= matcher.since)
        return query

    def clear(self) -> None:
        with self._lock:
            self._buffer = []
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(self.table.delete())

    def trim(self, connection: sa.Connection) -> None:
        """Keep the newest KEEP entries, and of those only as many as fit in MAX_BYTES."""
        t = self.table
        newest = connection.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0
        connection.execute(t.delete().where(t.c.id <= newest - self.KEEP))
        running = sa.func.sum(t.c.size).over(order_by=t.c.id.desc()).label("running")
        sizes = sa.select(t.c.id, running).subquery()
        cut = connection.execute(
            sa.select(sa.func.max(sizes.c.id)).where(sizes.c.running > self.MAX_BYTES)
        ).scalar()
        if cut is not None:
            connection.execute(t.delete().where(t.c.id <= cut))


def _decoded(row: Any) -> dict[str, Any]:
    entry = dict(row)
    for column in JSON_COLUMNS:
        entry[column] = json.loads(entry[column])
    return entry
