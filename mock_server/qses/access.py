"""Before every ``/crms/api`` request: preflights, throttles, then token and grant.

The order is the real stack's: IIS/Web API has no CORS handler, so a
preflight is just an unsupported ``OPTIONS`` (405, QS-01); the throttling
handler counts every request to a known endpoint before authentication
(QS-12/13); then the bearer token (QS-05/06) and the account's grant of this
endpoint (QS-07), both answered with the same 401.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, request

from ..core import ApiError, current_core
from ..core.auth import bearer_token
from ..core.hashing import hash_secret
from . import throttles
from .blueprint import API_PREFIX, api, endpoint_label
from .deviations import deviation_on
from .errors import denied, throttled

TOKEN_KIND = "qses-access"
OPEN_ENDPOINTS = ("POST token", "GET diagnostics/ping", "GET diagnostics/version")


@dataclass(frozen=True)
class Caller:
    account_id: int
    username: str


def caller() -> Caller:
    return g.qses_caller


def refuse_preflight() -> None:
    """App-wide: ``OPTIONS`` under the API is not supported (no CORS handler)."""
    if request.method == "OPTIONS" and request.path.lower().startswith(API_PREFIX):
        if deviation_on("QS-01"):
            return
        raise ApiError(405, "method_not_allowed", "Method not allowed.")


@api.before_request
def before_api_request() -> None:
    label = endpoint_label()
    if label is None:
        return  # unmatched: routing answers 404/405
    _throttle(label)
    if label in OPEN_ENDPOINTS and not (deviation_on("QS-06") and label != "POST token"):
        return
    g.qses_caller = authenticate(label)


def _throttle(label: str) -> None:
    decision = throttles.check(label, request.remote_addr or "unknown")
    if decision is not None and not decision.allowed:
        raise throttled(decision.window.limit, decision.window.label, decision.retry_after)


def family_of(account_id: sa.ColumnElement[int]) -> sa.ColumnElement[str]:
    """The token family of an account's tokens, ``account-<id>``, as SQL."""
    return sa.literal("account-") + sa.cast(account_id, sa.String)


def _token_query(tokens: sa.Table, accounts: sa.Table, grants: sa.Table) -> sa.Select:
    """The token, its account and whether the account holds the endpoint's grant; the
    token's hash and the endpoint label bound. (The clock offset and the data
    generation are already read before every request, by the core.)"""
    granted = sa.exists().where(grants.c.account_id == accounts.c.id,
                                grants.c.endpoint == sa.bindparam("label"))
    return (sa.select(accounts.c.id, accounts.c.username, tokens.c.expires_at,
                      granted.label("granted"))
            .select_from(tokens.join(accounts, tokens.c.family == family_of(accounts.c.id)))
            .where(tokens.c.token_hash == sa.bindparam("token_hash"),
                   tokens.c.kind == TOKEN_KIND, tokens.c.revoked_at.is_(None)))


def authenticate(label: str) -> Caller:
    token = bearer_token()
    if token is None:
        raise denied()
    core = current_core()
    storage = core.storage
    query = storage.driver(_token_query, core.tokens.table, storage["accounts"],
                           storage["grants"])
    with storage.connect() as connection:
        row = query.first(connection, {"token_hash": hash_secret(token), "label": label})
    if row is None:
        raise denied()
    if row.expires_at <= core.clock.naive_now() and not deviation_on("QS-05"):
        raise denied()
    if not row.granted and not deviation_on("QS-07"):
        raise denied()
    return Caller(row.id, row.username)
