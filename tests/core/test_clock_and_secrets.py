"""The shared clock and derived demo secrets."""

from __future__ import annotations

import pytest

from apidouble.mock_server.core.clock import Clock, StateStore
from apidouble.mock_server.core.hashing import (
    derive_secret,
    hash_password,
    hash_secret,
    password_matches,
    secret_matches,
)
from apidouble.mock_server.core.storage import Storage
from apidouble.mock_server.core.timefmt import iso_ms, parse_iso


def make_clock(tmp_url: str = "sqlite:///:memory:") -> Clock:
    storage = Storage(tmp_url, "t")
    state = StateStore(storage)
    storage.create_all()
    return Clock(state, real_time=lambda: 1_750_248_000.0)


def test_clock_moves_forward_only_and_resets() -> None:
    clock = make_clock()
    assert iso_ms(clock.now()) == "2025-06-18T12:00:00.000Z"
    clock.advance(90.5)
    assert iso_ms(clock.now()) == "2025-06-18T12:01:30.500Z"
    with pytest.raises(ValueError):
        clock.advance(-1)
    clock.reset()
    assert clock.offset() == 0


def test_clock_offset_is_shared_through_the_database(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'clock.sqlite3'}"
    first, second = make_clock(url), make_clock(url)
    first.advance(3600)
    assert second.offset() == 3600


def test_derived_secrets_are_stable_and_distinct() -> None:
    one = derive_secret(1, "demo-a")
    assert one == derive_secret(1, "demo-a")
    assert one != derive_secret(2, "demo-a") != derive_secret(1, "demo-b")
    assert len(one) == 40 and one.isalnum()
    assert len(derive_secret(1, "x", length=100, alphabet="0123456789abcdef")) == 100


def test_hashes_compare_in_constant_time_helpers() -> None:
    assert secret_matches("lk_abc", hash_secret("lk_abc"))
    assert not secret_matches("lk_abd", hash_secret("lk_abc"))
    stored = hash_password("Secret-1")
    assert "Secret-1" not in stored
    assert password_matches("Secret-1", stored) and not password_matches("secret-1", stored)


def test_iso_parsing_accepts_dates_and_zones() -> None:
    assert iso_ms(parse_iso("2026-06-18")) == "2026-06-18T00:00:00.000Z"
    assert iso_ms(parse_iso("2026-06-18T14:00:00+02:00")) == "2026-06-18T12:00:00.000Z"
    with pytest.raises(ValueError):
        parse_iso("18/06/2026")
