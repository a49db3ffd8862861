"""Who is calling: bearer key lookup, plan check, rate limits and ``lastUsedAt``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import g, request

from ..core import ApiError, current_core
from ..core.auth import bearer_token
from ..core.deviations import deviation_on
from ..core.hashing import hash_secret
from ..core.ratelimit import Decision, RateLimit, Window

ALL_ENDPOINTS = RateLimit("per-key", (Window(120, 60, "minute"),))
INSTRUMENT_UPLOADS = RateLimit("instrument-uploads", (Window(20, 60, "minute"),))
TOUCH_INTERVAL = timedelta(seconds=1)


@dataclass(frozen=True)
class Caller:
    key_id: int
    organization_id: int
    user_id: int


def caller() -> Caller:
    return g.aliquora_caller


def unauthorized(message: str) -> ApiError:
    if deviation_on("AQ-02"):
        return ApiError(401, "unauthorized", message)
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def _key_query() -> sa.Select:
    """The key lookup, with its organisation's plan (run on the driver: every request)."""
    storage = current_core().storage
    keys, orgs = storage["api_keys"], storage["organizations"]
    return (sa.select(keys.c.id, keys.c.organization_id, keys.c.user_id, keys.c.last_used_at,
                      keys.c.revoked_at, orgs.c.plan)
            .join(orgs, orgs.c.id == keys.c.organization_id)
            .where(keys.c.key_hash == sa.bindparam("key_hash")))


def authenticate() -> None:
    """Before every ``/api/v1/*`` request: a live key of an organisation with API access."""
    core = current_core()
    token = bearer_token()
    if token is None:
        raise unauthorized("Send your API key as 'Authorization: Bearer lk_...'.")
    with core.storage.connect() as connection:
        row = core.storage.driver(_key_query).first(connection, {"key_hash": hash_secret(token)})
    if row is None or (row.revoked_at is not None and not deviation_on("AQ-05")):
        raise unauthorized("Invalid or revoked API key.")
    if row.plan != "api" and not deviation_on("AQ-03"):
        raise unauthorized("Your organization's plan does not include API access.")
    g.aliquora_caller = Caller(row.id, row.organization_id, row.user_id)
    _limit(row.id)
    _touch(row.id, row.last_used_at)


def _limit(key_id: int) -> None:
    core = current_core()
    now = core.clock.timestamp()
    limits = [] if deviation_on("AQ-27") else [ALL_ENDPOINTS]
    if request.endpoint == "aliquora_api.instrument_upload" and not deviation_on("AQ-28"):
        limits.append(INSTRUMENT_UPLOADS)
    for limit in limits:
        decision = core.limiter.check(limit, str(key_id), now)
        if decision is not None and not decision.allowed:
            raise _rate_limited(decision)


def _rate_limited(decision: Decision) -> ApiError:
    return rate_limit_error(decision.retry_after, decision.window)


def rate_limit_error(retry_after: int, window: Window = ALL_ENDPOINTS.windows[0]) -> ApiError:
    """The answer past a limit (AQ-27); also what a 429 fault answers."""
    return ApiError(
        429,
        "rate_limited",
        f"Too many requests. Limit is {window.limit}/{window.label} per API key.",
        headers={"Retry-After": str(retry_after)},
    )


def _touch(key_id: int, last_used_at: object) -> None:
    """Record use, at most once a second per key so it never costs a write per request."""
    core = current_core()
    now = core.clock.naive_now()
    if last_used_at is not None and now - last_used_at < TOUCH_INTERVAL:  # type: ignore[operator]
        return
    keys = core.storage["api_keys"]
    with core.storage.begin_bookkeeping() as connection:
        connection.execute(keys.update().where(keys.c.id == key_id).values(last_used_at=now))
