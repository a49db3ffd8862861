"""Licensed sessions: a finite pool of seats that sessions hold until they end or expire.

A pool is a set of numbered seat rows. A session takes a free seat (never
taken, released, or held by a session whose time ran out) with one
conditional UPDATE, so two concurrent logins can never hold the same seat and
a full pool refuses the next one, across threads and worker processes alike.
Extending a session moves its seat's expiry; ending it frees the seat.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from .clock import Clock
from .storage import Storage


@dataclass(frozen=True)
class Seat:
    pool: str
    seat: int
    session: str
    subject: dict[str, Any]
    started_at: datetime
    expires_at: datetime


TABLE = "core_licences"


class LicencePool:
    """Cheap to construct: a second instance on the same storage shares the table."""

    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock
        existing = storage.tables.get(TABLE)
        self.table = existing if existing is not None else storage.table(
            TABLE,
            sa.Column("pool", sa.String(40), primary_key=True),
            sa.Column("seat", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("session", sa.String(64), nullable=True, index=True),
            sa.Column("subject", sa.Text, nullable=True),
            sa.Column("started_at", sa.DateTime, nullable=True),
            sa.Column("expires_at", sa.DateTime, nullable=True),
        )

    def configure(self, connection: sa.Connection, sizes: dict[str, int]) -> None:
        """(Re)create the pools with ``sizes`` free seats each, inside a seeding transaction."""
        connection.execute(self.table.delete())
        rows = [{"pool": pool, "seat": seat} for pool, size in sizes.items()
                for seat in range(1, size + 1)]
        if rows:
            connection.execute(self.table.insert(), rows)

    def acquire(self, pool: str, session: str, subject: dict[str, Any], ttl: float) -> bool:
        """Take a free seat for ``session``; False when every seat is held."""
        now = self.clock.naive_now()
        c = self.table.c
        free = sa.and_(c.pool == pool, sa.or_(c.session.is_(None), c.expires_at <= now))
        first_free = sa.select(c.seat).where(free).order_by(c.seat).limit(1).scalar_subquery()
        # On PostgreSQL a concurrent login may take the seat the subquery chose
        # (the re-check after the lock sees it held): try the next free one.
        for _attempt in range(8):
            with self.storage.begin_bookkeeping() as connection:
                won = connection.execute(
                    self.table.update()
                    .where(free, c.seat == first_free)
                    .values(session=session, subject=json.dumps(subject, sort_keys=True),
                            started_at=now, expires_at=now + timedelta(seconds=ttl))
                ).rowcount
                if won == 1:
                    return True
                if connection.execute(sa.select(first_free)).scalar() is None:
                    return False  # every seat is held
        return False

    def extend(self, session: str, ttl: float) -> bool:
        """Move a live session's expiry to ``ttl`` from now; False when it has ended."""
        now = self.clock.naive_now()
        with self.storage.begin_bookkeeping() as connection:
            return connection.execute(
                self.table.update().where(self._live(session, now))
                .values(expires_at=now + timedelta(seconds=ttl))
            ).rowcount == 1

    def release(self, session: str) -> bool:
        """End a session and free its seat; False when it was not live."""
        now = self.clock.naive_now()
        with self.storage.begin_bookkeeping() as connection:
            return connection.execute(
                self.table.update().where(self._live(session, now))
                .values(session=None, subject=None, started_at=None, expires_at=None)
            ).rowcount == 1

    def live(self, session: str, connection: sa.Connection | None = None) -> Seat | None:
        """The live session; pass the caller's connection when inside its transaction."""
        values = {"session": session, "now": self.clock.naive_now()}
        read = self.storage.driver(_live_session, self.table)  # every request asks
        if connection is not None:
            row = read.first(connection, values)
        else:
            with self.storage.connect() as own:
                row = read.first(own, values)
        return _seat(row) if row else None

    def sessions(self, pool: str | None = None) -> list[Seat]:
        """Every live session, optionally of one pool, by pool and seat."""
        now = self.clock.naive_now()
        c = self.table.c
        query = sa.select(self.table).where(c.session.is_not(None), c.expires_at > now)
        if pool is not None:
            query = query.where(c.pool == pool)
        with self.storage.connect() as connection:
            rows = connection.execute(query.order_by(c.pool, c.seat)).all()
        return [_seat(row) for row in rows]

    def usage(self) -> dict[str, dict[str, int]]:
        """``{pool: {"size": n, "inUse": m}}``."""
        now = self.clock.naive_now()
        c = self.table.c
        in_use = sa.func.sum(sa.case((sa.and_(c.session.is_not(None), c.expires_at > now), 1),
                                     else_=0))
        query = sa.select(c.pool, sa.func.count(), in_use).group_by(c.pool).order_by(c.pool)
        with self.storage.connect() as connection:
            return {pool: {"size": size, "inUse": int(used or 0)}
                    for pool, size, used in connection.execute(query)}

    def _live(self, session: str, now: datetime) -> sa.ColumnElement[bool]:
        c = self.table.c
        return sa.and_(c.session == session, c.expires_at > now)


def _live_session(table: sa.Table) -> sa.Select:
    c = table.c
    return sa.select(table).where(c.session == sa.bindparam("session"),
                                  c.expires_at > sa.bindparam("now", type_=c.expires_at.type))


def _seat(row: Any) -> Seat:
    return Seat(pool=row.pool, seat=row.seat, session=row.session,
                subject=json.loads(row.subject or "{}"), started_at=row.started_at,
                expires_at=row.expires_at)
