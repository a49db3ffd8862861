"""The shared clock: real UTC time plus an offset that ``/__admin/clock`` moves forward.

Everything time-dependent (token expiry, rate windows, timestamps, monthly
allowances) reads this clock, never ``datetime.now`` directly. The offset lives
in the system's database so every worker process agrees on it; within one
request it is read once and cached on ``flask.g``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import g, has_request_context

from . import fastctx
from .storage import Storage

OFFSET_KEY = "clock_offset_seconds"


class StateStore:
    """A small key/value table for settings every worker must share."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.table = storage.table(
            "core_state",
            sa.Column("key", sa.String(100), primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
        # read on most requests (the clock offset): built once, the key a bound parameter
        self._get = sa.select(self.table.c.value).where(self.table.c.key == sa.bindparam("key"))

    def get(self, key: str, default: str | None = None) -> str | None:
        with self.storage.connect() as connection:
            value = connection.execute(self._get, {"key": key}).scalar()
        return default if value is None else value

    def set(self, key: str, value: str) -> None:
        with self.storage.begin_bookkeeping() as connection:
            updated = connection.execute(
                self.table.update().where(self.table.c.key == key).values(value=value)
            ).rowcount
            if not updated:
                connection.execute(self.table.insert().values(key=key, value=value))

    def delete(self, key: str) -> None:
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(self.table.delete().where(self.table.c.key == key))


class Clock:
    """Real time plus a shared, forward-only offset."""

    def __init__(self, state: StateStore, real_time: Callable[[], float] = time.time) -> None:
        self.state = state
        self.real_time = real_time

    def offset(self) -> float:
        request_g = fastctx.request_g()
        if request_g is not None:
            cached = request_g.get("apidouble_clock_offset")
            if cached is not None:
                return float(cached)
        offset = float(self.state.get(OFFSET_KEY, "0") or 0)
        if request_g is not None:
            request_g.apidouble_clock_offset = offset
        return offset

    def offset_column(self) -> sa.ScalarSelect:
        """The offset as a scalar subquery, so a request's first query can fetch it too.

        Pass the value it returned to :meth:`remember`; that saves a round trip
        on every request (the clock is read by every authenticated request).
        """
        table = self.state.table
        return sa.select(table.c.value).where(table.c.key == OFFSET_KEY).scalar_subquery()

    def remember(self, stored: str | None) -> None:
        """Cache, for this request, an offset read through :meth:`offset_column`."""
        if has_request_context():
            g.apidouble_clock_offset = float(stored or 0)

    def timestamp(self) -> float:
        """Seconds since the epoch on this clock."""
        return self.real_time() + self.offset()

    def now(self) -> datetime:
        """Aware UTC datetime on this clock."""
        return datetime.fromtimestamp(self.timestamp(), UTC)

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.state.set(OFFSET_KEY, repr(self.offset() + seconds))
        if has_request_context():
            g.pop("apidouble_clock_offset", None)
        return self.now()

    def reset(self) -> None:
        self.state.delete(OFFSET_KEY)
        if has_request_context():
            g.pop("apidouble_clock_offset", None)

    def naive_now(self) -> datetime:
        """Now as stored in the database (naive UTC)."""
        return self.now().replace(tzinfo=None)

    def after(self, seconds: float) -> datetime:
        return self.naive_now() + timedelta(seconds=seconds)
