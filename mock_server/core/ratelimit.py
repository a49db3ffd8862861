"""Rate limiting on the shared clock: fixed windows, several per limit, shared by workers.

A :class:`RateLimit` names a policy (say QS Enrolment's five windows per
client IP and endpoint) and how a request is keyed; a :class:`WindowStore`
counts hits per window so that every worker agrees: the system's database by
default, Redis when a URL is given. Windows are aligned to the shared clock, so
moving the clock forward also moves requests into a fresh window.

Every request is counted, refused ones included, as real fixed-window limiters
do. The ``limits`` library is not used because it reads the system time itself
and could not follow the admin clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .storage import Storage


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: int
    label: str = ""  # how the system names it in messages: "Second", "minute", ...


@dataclass(frozen=True)
class RateLimit:
    name: str
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against a limit: enough for any system's headers."""

    allowed: bool
    window: Window  # the tripped window, or the tightest one when allowed
    count: int
    reset_after: float  # seconds until ``window`` starts afresh

    @property
    def remaining(self) -> int:
        return max(self.window.limit - self.count, 0)

    @property
    def retry_after(self) -> int:
        """Whole seconds to wait, at least 1 (the ``Retry-After`` value)."""
        return max(1, math.ceil(self.reset_after))


class WindowStore(Protocol):
    def hit(self, keys: Sequence[tuple[str, float]], now: float) -> list[int]:
        """Count one hit in each ``(window key, window ends at)``; return the new counts."""

    def clear(self) -> None: ...


class SqlWindowStore:
    """Counters in the system's database: one upsert per window, in one transaction."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.table = storage.table(
            "core_rate_windows",
            sa.Column("key", sa.String(300), primary_key=True),
            sa.Column("count", sa.Integer, nullable=False),
            sa.Column("expires_at", sa.Float, nullable=False, index=True),
        )

    def hit(self, keys: Sequence[tuple[str, float]], now: float) -> list[int]:
        insert = _insert_for(self.storage.engine.dialect.name)
        counts = []
        with self.storage.begin_bookkeeping() as connection:
            for key, expires_at in keys:
                statement = insert(self.table).values(key=key, count=1, expires_at=expires_at)
                statement = statement.on_conflict_do_update(
                    index_elements=[self.table.c.key],
                    set_={"count": self.table.c.count + 1},
                ).returning(self.table.c.count)
                counts.append(int(connection.execute(statement).scalar_one()))
        return counts

    def purge(self, now: float) -> None:
        """Drop windows that have ended (called now and then, not on every request)."""
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(self.table.delete().where(self.table.c.expires_at < now))

    def clear(self) -> None:
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(self.table.delete())


def _insert_for(dialect: str):  # type: ignore[no-untyped-def]
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


class RedisWindowStore:
    """Counters in Redis (INCR plus an expiry), for workers on several machines."""

    def __init__(self, url: str, namespace: str) -> None:
        import redis  # optional dependency

        self.client = redis.Redis.from_url(url)
        self.namespace = f"apidouble:{namespace}:rate:"

    def hit(self, keys: Sequence[tuple[str, float]], now: float) -> list[int]:
        # Expiry relative to the shared clock's now, which may run ahead of Redis's.
        pipe = self.client.pipeline(transaction=True)
        for key, expires_at in keys:
            pipe.incr(self.namespace + key)
            pipe.expire(self.namespace + key, int(math.ceil(expires_at - now)) + 1, nx=True)
        results = pipe.execute()
        return [int(value) for value in results[0::2]]

    def purge(self, now: float) -> None:  # Redis expires keys itself
        return None

    def ping(self) -> None:
        """Fail now, not on the first request, when Redis cannot be reached."""
        self.client.ping()

    def clear(self) -> None:
        for key in self.client.scan_iter(self.namespace + "*"):
            self.client.delete(key)


class RateLimiter:
    """Checks requests against named limits, on the shared clock."""

    PURGE_EVERY = 1000

    def __init__(self, store: WindowStore, enabled: bool = True) -> None:
        self.store = store
        self.enabled = enabled
        self._since_purge = 0

    def check(self, limit: RateLimit, subject: str, now: float) -> Decision | None:
        """Count a request by ``subject`` (a key id, user, IP + endpoint, ...) against ``limit``.

        Returns None when limiting is switched off.
        """
        if not self.enabled:
            return None
        keys = []
        for window in limit.windows:
            index = int(now // window.seconds)
            keys.append((f"{limit.name}:{window.seconds}:{subject}:{index}",
                         (index + 1) * window.seconds))
        counts = self.store.hit(keys, now)
        self._maybe_purge(now)
        return _decide(limit.windows, counts, [expires for _, expires in keys], now)

    def clear(self) -> None:
        self.store.clear()

    def _maybe_purge(self, now: float) -> None:
        self._since_purge += 1
        if self._since_purge >= self.PURGE_EVERY:
            self._since_purge = 0
            self.store.purge(now)  # type: ignore[attr-defined]


def _decide(
    windows: Sequence[Window], counts: Sequence[int], ends: Sequence[float], now: float
) -> Decision:
    tripped = [i for i, (w, c) in enumerate(zip(windows, counts, strict=True)) if c > w.limit]
    if tripped:
        # Report the window that keeps the caller out longest.
        worst = max(tripped, key=lambda i: ends[i])
        return Decision(False, windows[worst], counts[worst], ends[worst] - now)
    tightest = min(range(len(windows)), key=lambda i: windows[i].limit - counts[i])
    return Decision(True, windows[tightest], counts[tightest], ends[tightest] - now)
