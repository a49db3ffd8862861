"""Rate windows: several per limit, on the shared clock, shared by stores."""

from __future__ import annotations

import fakeredis
import pytest

from apidouble.mock_server.core.ratelimit import (
    RateLimit,
    RateLimiter,
    RedisWindowStore,
    SqlWindowStore,
    Window,
)
from apidouble.mock_server.core.storage import Storage

FIVE = RateLimit("qs", (Window(10, 1, "Second"), Window(120, 60, "Minute"),
                        Window(3600, 3600, "Hour"), Window(43200, 86400, "Day"),
                        Window(216000, 604800, "Week")))


def sql_store() -> SqlWindowStore:
    storage = Storage("sqlite:///:memory:", "t")
    store = SqlWindowStore(storage)
    storage.create_all()
    return store


def redis_store() -> RedisWindowStore:
    store = RedisWindowStore.__new__(RedisWindowStore)
    store.client = fakeredis.FakeRedis()
    store.namespace = "apidouble:test:rate:"
    return store


@pytest.fixture(params=["sql", "redis"])
def limiter(request: pytest.FixtureRequest) -> RateLimiter:
    return RateLimiter(sql_store() if request.param == "sql" else redis_store())


def test_allows_up_to_the_limit_then_refuses_with_time_to_reset(limiter: RateLimiter) -> None:
    limit = RateLimit("per-key", (Window(3, 60, "minute"),))
    now = 6000.0 + 15  # 15 s into a window
    decisions = [limiter.check(limit, "key-1", now) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    assert decisions[3].reset_after == pytest.approx(45)
    assert decisions[3].retry_after == 45


def test_subjects_and_limits_are_counted_apart(limiter: RateLimiter) -> None:
    limit = RateLimit("per-key", (Window(1, 60),))
    other = RateLimit("uploads", (Window(1, 60),))
    assert limiter.check(limit, "a", 60.0).allowed
    assert limiter.check(limit, "b", 60.0).allowed
    assert limiter.check(other, "a", 60.0).allowed
    assert not limiter.check(limit, "a", 60.0).allowed


def test_a_new_window_starts_afresh_when_the_clock_moves(limiter: RateLimiter) -> None:
    limit = RateLimit("per-key", (Window(1, 60),))
    assert limiter.check(limit, "a", 100.0).allowed
    assert not limiter.check(limit, "a", 119.9).allowed
    assert limiter.check(limit, "a", 120.0).allowed


def test_the_window_that_tripped_is_reported(limiter: RateLimiter) -> None:
    now = 1_000_000.0
    decisions = [limiter.check(FIVE, "10.0.0.1:/contacts", now) for _ in range(11)]
    assert all(d.allowed for d in decisions[:10])
    refused = decisions[10]
    assert not refused.allowed
    assert (refused.window.label, refused.window.limit) == ("Second", 10)
    assert refused.retry_after == 1


def test_a_longer_window_trips_once_short_ones_reset(limiter: RateLimiter) -> None:
    limit = RateLimit("two", (Window(2, 1, "Second"), Window(3, 60, "Minute")))
    base = 600.0
    for second in range(3):
        assert limiter.check(limit, "ip", base + second).allowed
    refused = limiter.check(limit, "ip", base + 3)
    assert not refused.allowed
    assert refused.window.label == "Minute"
    assert refused.retry_after == 57


def test_disabled_limiter_counts_nothing() -> None:
    limiter = RateLimiter(sql_store(), enabled=False)
    assert limiter.check(RateLimit("x", (Window(0, 60),)), "a", 1.0) is None


def test_clear_forgets_every_window(limiter: RateLimiter) -> None:
    limit = RateLimit("per-key", (Window(1, 60),))
    limiter.check(limit, "a", 60.0)
    limiter.clear()
    assert limiter.check(limit, "a", 60.0).allowed


def test_sql_store_purges_ended_windows() -> None:
    store = sql_store()
    store.hit([("old", 10.0), ("new", 1000.0)], now=0.0)
    store.purge(now=500.0)
    with store.storage.connect() as connection:
        keys = [row.key for row in connection.execute(store.table.select())]
    assert keys == ["new"]
