"""Token rotation: single use, expiry on the shared clock, exactly one winner across processes."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from apidouble.mock_server.core.clock import Clock, StateStore
from apidouble.mock_server.core.storage import Storage
from apidouble.mock_server.core.tokens import TokenStore


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def make_store(url: str = "sqlite:///:memory:") -> tuple[TokenStore, Clock, FakeTime]:
    storage = Storage(url, "t")
    fake = FakeTime()
    clock = Clock(StateStore(storage), real_time=fake)
    tokens = TokenStore(storage, clock)
    storage.create_all()
    return tokens, clock, fake


def test_a_token_is_found_by_its_plaintext_and_stored_only_as_a_hash() -> None:
    tokens, _, _ = make_store()
    raw = tokens.issue("refresh", {"user": 7}, ttl_seconds=60)
    record = tokens.lookup(raw, "refresh")
    assert record is not None and record.subject == {"user": 7}
    with tokens.storage.connect() as connection:
        stored = [row.token_hash for row in connection.execute(tokens.table.select())]
    assert raw not in stored and len(stored[0]) == 64
    assert tokens.lookup(raw, "access") is None


def test_consume_is_single_use() -> None:
    tokens, _, _ = make_store()
    raw = tokens.issue("refresh", {"user": 1}, ttl_seconds=60)
    assert tokens.consume(raw, "refresh") is not None
    assert tokens.consume(raw, "refresh") is None
    assert tokens.state(raw, "refresh") == "used"


def test_expiry_follows_the_shared_clock() -> None:
    tokens, clock, _ = make_store()
    raw = tokens.issue("access", {}, ttl_seconds=600)
    clock.advance(599)
    assert tokens.lookup(raw, "access") is not None
    clock.advance(1)
    assert tokens.lookup(raw, "access") is None
    assert tokens.state(raw, "access") == "expired"
    assert tokens.consume(raw, "access") is None


def test_revoking_a_family_ends_every_token_of_the_login() -> None:
    tokens, _, _ = make_store()
    first = tokens.issue("refresh", {}, 60, family="login-1")
    second = tokens.issue("access", {}, 60, family="login-1")
    other = tokens.issue("access", {}, 60, family="login-2")
    assert tokens.revoke_family("login-1") == 2
    assert tokens.state(first, "refresh") == "revoked"
    assert tokens.lookup(second, "access") is None
    assert tokens.lookup(other, "access") is not None


def test_unknown_tokens_are_unknown() -> None:
    tokens, _, _ = make_store()
    assert tokens.state("nope", "refresh") == "unknown"
    assert tokens.revoke("nope", "refresh") is False


def _race(url: str, raw: str, barrier: multiprocessing.synchronize.Barrier,
          results: multiprocessing.Queue) -> None:
    tokens, _, fake = make_store(url)
    fake.now = 1_800_000_000.0
    barrier.wait()
    results.put(tokens.consume(raw, "refresh") is not None)


@pytest.mark.parametrize("racers", [8])
def test_concurrent_refreshes_across_processes_have_exactly_one_winner(
    tmp_path: Path, racers: int
) -> None:
    url = f"sqlite:///{tmp_path / 'tokens.sqlite3'}"
    tokens, _, _ = make_store(url)
    raw = tokens.issue("refresh", {"user": 1}, ttl_seconds=3600)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(racers)
    results = context.Queue()
    processes = [context.Process(target=_race, args=(url, raw, barrier, results))
                 for _ in range(racers)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert sorted(outcomes) == [False] * (racers - 1) + [True]
