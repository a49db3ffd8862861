"""Who is calling and what they may do: DRF token authentication, Django model
permissions and the real throttles, in DRF's order (authenticate, permit, throttle)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, request

from ..core import ApiError, current_core
from ..core.ratelimit import RateLimit, Window
from ..core.storage import Storage
from . import session, tokens
from .deviations import deviation_on
from .errors import forbidden, method_not_allowed, unauthorized

USER_RATE = RateLimit("user", (Window(1000, 60, "minute"),))
PERFORM_RATE = RateLimit("perform", (Window(500, 60, "minute"),))
ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}
SAFE = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    is_superuser: bool
    perms: frozenset[str]

    def has_perm(self, codename: str) -> bool:
        return self.is_superuser or codename in self.perms


def authenticate() -> User | None:
    """DRF's ``TokenAuthentication`` then ``SessionAuthentication``: None for an anonymous
    caller, 401 for a bad token, 403 for a session write without its CSRF token."""
    if "qatrack_user" in g:
        return g.qatrack_user
    g.qatrack_user = None
    parts = request.headers.get("Authorization", "").split()
    if not parts or parts[0].lower() != "token":
        return _session_user()
    if len(parts) == 1:
        raise unauthorized("Invalid token header. No credentials provided.")
    if len(parts) > 2:
        raise unauthorized("Invalid token header. Token string should not contain spaces.")
    core = current_core()
    user_id = tokens.user_id_for(core, parts[1])
    if user_id is None:
        raise unauthorized("Token is not valid." if deviation_on("QT-02") else "Invalid token.")
    user = load_user(user_id)
    if user is None:
        raise unauthorized("User inactive or deleted.")
    g.qatrack_user = user
    return user


def _session_user() -> User | None:
    user_id = session.session_user_id()
    user = load_user(user_id) if user_id is not None else None
    if user is not None:
        session.enforce_csrf()
        g.qatrack_user = user
    return user


def load_user(user_id: int) -> User | None:
    """The user and their permission codes (every authenticated request: on the driver)."""
    storage = current_core().storage
    with storage.connect() as connection:
        row = storage.driver(_user_by_id, storage).first(connection, {"user_id": user_id})
        if row is None or not row.is_active:
            return None
        codes = storage.driver(_permission_codes, storage).rows(connection, {"user_id": user_id})
    return User(row.id, row.username, bool(row.is_superuser), frozenset(c[0] for c in codes))


def _user_by_id(storage: Storage) -> sa.Select:
    users = storage["users"]
    return (sa.select(users.c.id, users.c.username, users.c.is_superuser, users.c.is_active)
            .where(users.c.id == sa.bindparam("user_id")))


def _permission_codes(storage: Storage) -> sa.CompoundSelect:
    """The codes of the user's groups and the user's own."""
    groups, group_perms = storage["user_groups"], storage["group_permissions"]
    user_perms = storage["user_permissions"]
    user_id = sa.bindparam("user_id")
    in_groups = sa.select(groups.c.group_id).where(groups.c.user_id == user_id)
    return (sa.select(group_perms.c.codename).where(group_perms.c.group_id.in_(in_groups))
            .union(sa.select(user_perms.c.codename).where(user_perms.c.user_id == user_id)))


def require(model: str | None, allowed: tuple[str, ...]) -> User:
    """``DjangoModelPermissions``: authenticated to read, ``<action>_<model>`` to write."""
    user = authenticate()
    if user is None:
        raise unauthorized()
    method = request.method
    if method not in SAFE and method not in ACTIONS:
        raise method_not_allowed(allowed)
    if method in ACTIONS and model and not user.has_perm(f"{ACTIONS[method]}_{model}") and not (
            model == "testlistinstance" and deviation_on("QT-03")):
        raise forbidden()
    throttle(user, USER_RATE)
    return user


def throttle(user: User, limit: RateLimit) -> None:
    core = current_core()
    decision = core.limiter.check(limit, str(user.id), core.clock.timestamp())
    if decision is None or decision.allowed:
        return
    raise rate_limit_error(max(1, math.ceil(decision.reset_after)))


def rate_limit_error(wait: int) -> ApiError:
    """DRF's throttled answer; also what a 429 fault answers."""
    unit = "second" if wait == 1 else "seconds"
    return ApiError(429, "rate_limited",
                    f"Request was throttled. Expected available in {wait} {unit}.",
                    headers={"Retry-After": str(wait)})
