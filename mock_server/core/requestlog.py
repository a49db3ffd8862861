"""The request log behind ``GET /__admin/requests``, buffered so it never slows a request.

Each worker appends to an in-memory buffer and writes it to the database in
one batch every half second (or every 200 requests); reading the log flushes
the reader's own buffer first. Only the newest ``KEEP`` entries are kept.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import sqlalchemy as sa

from .storage import Storage


class RequestLog:
    FLUSH_SECONDS = 0.5
    FLUSH_SIZE = 200
    KEEP = 5000

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.table = storage.table(
            "core_requests",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("at", sa.DateTime, nullable=False),
            sa.Column("method", sa.String(10), nullable=False),
            sa.Column("path", sa.Text, nullable=False),
            sa.Column("query", sa.Text, nullable=False),
            sa.Column("status", sa.Integer, nullable=False),
            sa.Column("duration_ms", sa.Float, nullable=False),
            sa.Column("remote_addr", sa.String(64), nullable=True),
            # who called, as the system names it (an AlisQI token's name), when it says
            sa.Column("subject", sa.String(200), nullable=True),
        )
        self._buffer: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()
        self._flushes = 0

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._buffer.append(entry)
            due = (
                len(self._buffer) >= self.FLUSH_SIZE
                or time.monotonic() - self._last_flush >= self.FLUSH_SECONDS
            )
        if due:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            batch, self._buffer = self._buffer, []
            self._last_flush = time.monotonic()
        if not batch:
            return
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(self.table.insert(), batch)
            self._flushes += 1
            if self._flushes % 20 == 0:
                self._trim(connection)

    def recent(self, limit: int) -> list[dict[str, Any]]:
        self.flush()
        with self.storage.connect() as connection:
            rows = connection.execute(
                sa.select(self.table).order_by(self.table.c.id.desc()).limit(limit)
            ).mappings()
            return [dict(row) for row in rows]

    def clear(self) -> None:
        with self._lock:
            self._buffer = []
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(self.table.delete())

    def _trim(self, connection: sa.Connection) -> None:
        newest = connection.execute(sa.select(sa.func.max(self.table.c.id))).scalar() or 0
        connection.execute(self.table.delete().where(self.table.c.id <= newest - self.KEEP))
