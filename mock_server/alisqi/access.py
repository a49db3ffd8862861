"""Who is calling: the token (header or legacy parameters), its IP whitelist, the
rate limit, and the permissions of the token's user group per set (AS-08, AS-09, AS-12).

Every response outside the admin side and the integration hub carries the
``X-RateLimit-*`` headers, errors included; a request without a usable token
is counted against its client address.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import Response, g, request

from ..core import ApiError, current_core
from ..core.adminguard import ADMIN_PREFIX
from ..core.auth import bearer_token
from ..core.ratelimit import Decision, RateLimit, Window
from . import statements
from .deviations import deviation_on
from .model import setting
from .statements import RATE_LIMIT_KEY
from .tokens import address_allowed, hash_secret

LEGACY_PARAMS = ("access_token", "authToken", "authtoken", "accessToken")
DEFAULT_LIMIT = 30
UNMETERED = (ADMIN_PREFIX, "/integration-hub")


@dataclass(frozen=True)
class Caller:
    token_id: int
    token_name: str
    user_id: int
    permissions: dict[int, str] = field(default_factory=dict)  # set id -> read | write


def caller() -> Caller:
    return g.alisqi_caller


def presented_token() -> str | None:
    token = bearer_token()
    if token:
        return token
    for name in LEGACY_PARAMS:
        value = request.args.get(name) or (request.form.get(name) if _has_form() else None)
        if value and value.strip():
            return value.strip()
    return None


def _has_form() -> bool:
    return request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data")


def metered() -> bool:
    return not request.path.startswith(UNMETERED)


def authenticate() -> None:
    """Before every metered request: token, rate window, whitelist, permissions."""
    core = current_core()
    raw = presented_token()
    with core.storage.connect() as connection:
        rows = core.storage.driver(statements.caller, core.storage).records(
            connection, {"token_hash": hash_secret(raw)}) if raw else []
        if rows:
            stored_limit = rows[0].rate_limit
        else:
            stored_limit = setting(core, connection, RATE_LIMIT_KEY, str(DEFAULT_LIMIT))
    row = rows[0] if rows else None
    limit = int(stored_limit if stored_limit is not None else DEFAULT_LIMIT)
    subject = f"token:{row.id}" if row is not None else f"ip:{request.remote_addr}"
    _count(limit, subject)
    if raw is None:
        raise ApiError(401, "unauthorized", "Authentication required: send 'Authorization: "
                       "Bearer <token>'.")
    if row is None or row.revoked_at is not None:
        raise ApiError(401, "unauthorized", "Invalid or revoked authentication token.")
    if not address_allowed(json.loads(row.ip_whitelist), request.remote_addr) \
            and not deviation_on("AS-09"):
        raise ApiError(403, "forbidden", f"Access denied for IP address {request.remote_addr}.")
    permissions = {r.permission_set_id: r.permission_level for r in rows
                   if r.permission_set_id is not None}
    g.alisqi_caller = Caller(row.id, row.name, row.user_id, permissions)
    g.apidouble_log_subject = row.name


def _count(limit: int, subject: str) -> None:
    core = current_core()
    policy = RateLimit(f"alisqi-{limit}", (Window(limit, 60, "minute"),))
    decision = core.limiter.check(policy, subject, core.clock.timestamp())
    g.alisqi_rate = (limit, decision)
    if decision is not None and not decision.allowed and not deviation_on("AS-12", "default"):
        raise rate_limited(decision.retry_after)


def rate_limited(seconds: int) -> ApiError:
    return ApiError(429, "rate_limited", "Too Many Requests",
                    headers={"X-RateLimit-Retry-After": str(seconds)})


def rate_headers(response: Response) -> Response:
    """After every metered request: the three integer headers (AS-12)."""
    if not metered() or deviation_on("AS-12", "headers"):
        return response
    limit, decision = g.get("alisqi_rate", (DEFAULT_LIMIT, None))
    remaining, retry = _numbers(limit, decision)
    response.headers["X-RateLimit-Limit"] = str(limit)
    response.headers["X-RateLimit-Remaining"] = str(remaining)
    response.headers["X-RateLimit-Retry-After"] = str(retry)
    return response


def _numbers(limit: int, decision: Decision | None) -> tuple[int, int]:
    if decision is None:
        return limit, 0
    retry = decision.retry_after if decision.remaining == 0 else 0
    return decision.remaining, retry


def need(set_id: int, level: str) -> None:
    """403 unless the caller's group may ``read`` (or ``write``) the set."""
    granted = caller().permissions.get(set_id)
    if level == "write" and deviation_on("AS-08"):
        granted = granted and "write"
    if granted is None:
        raise ApiError(403, "forbidden", "No read permission for this set")
    if level == "write" and granted != "write":
        raise ApiError(403, "forbidden", "No write permission for this set")
