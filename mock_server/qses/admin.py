"""``<base>/__admin``: the support staff's screens: accounts' endpoint grants and throttles.

* ``GET accounts``: every account and its endpoints; ``GET endpoints``: every
  endpoint an account can be granted;
* ``PUT accounts/<username>/endpoints`` with a JSON list: the account's grants
  from now on (the next request already sees them);
* ``GET throttles``: defaults and rules; ``PUT throttles`` with
  ``{"endpoint"?, "clientAddress"?, "limits": {"Second": n, ...}}`` sets one rule
  (an empty ``limits`` removes it); ``DELETE throttles`` removes every rule.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response

from ...fixtures.qses._catalog import ENDPOINTS
from ..core import ApiError, current_core
from ..core.bodies import json_body, json_object
from ..core.envelopes import admin_json
from . import throttles
from .access import OPEN_ENDPOINTS
from .seed import credentials

ENDPOINT_LIMIT = 100


def endpoints() -> list[str]:
    return list(ENDPOINTS)


def register_admin(admin: Blueprint) -> None:
    admin.add_url_rule("/accounts", "qses_accounts", list_accounts, methods=["GET"])
    admin.add_url_rule("/endpoints", "qses_endpoints", list_endpoints, methods=["GET"])
    admin.add_url_rule("/accounts/<username>/endpoints", "qses_grants", put_grants,
                       methods=["PUT"])
    admin.add_url_rule("/throttles", "qses_throttles", get_throttles, methods=["GET"])
    admin.add_url_rule("/throttles", "qses_put_throttle", put_throttle, methods=["PUT"])
    admin.add_url_rule("/throttles", "qses_clear_throttles", clear_throttles,
                       methods=["DELETE"])


def list_accounts() -> Response:
    """Accounts and their grants; passwords only on ``/__admin/credentials``, whose job
    it is to show the demo secrets."""
    accounts = [{key: value for key, value in entry.items() if key != "password"}
                for entry in credentials(current_core())]
    return admin_json({"accounts": accounts}, 200)


def list_endpoints() -> Response:
    return admin_json({"endpoints": endpoints()}, 200)


def put_grants(username: str) -> Response:
    wanted = json_body()
    known = set(endpoints())
    if not isinstance(wanted, list) or not all(isinstance(e, str) for e in wanted):
        raise ApiError(400, "invalid_body", "The body must be a JSON list of endpoints.")
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise ApiError(400, "invalid_body", f"Unknown endpoints: {', '.join(unknown)}.")
    core = current_core()
    accounts, grants = core.storage["accounts"], core.storage["grants"]
    with core.storage.begin() as connection:
        account_id = connection.execute(sa.select(accounts.c.id).where(
            accounts.c.username_key == username.lower())).scalar()
        if account_id is None:
            raise ApiError(404, "not_found", f"No account '{username}'.")
        connection.execute(grants.delete().where(grants.c.account_id == account_id))
        if wanted:
            connection.execute(grants.insert(), [{"account_id": account_id, "endpoint": e}
                                                 for e in sorted(set(wanted))])
    return admin_json({"username": username, "endpoints": sorted(set(wanted))}, 200)


def get_throttles() -> Response:
    with current_core().storage.connect() as connection:
        rules = throttles.rules_json(connection)
    return admin_json({"defaults": throttles.DEFAULTS, "rules": rules}, 200)


def put_throttle() -> Response:
    body = json_object()
    endpoint, client, limits = _rule(body)
    with current_core().storage.begin_bookkeeping() as connection:
        throttles.replace_rule(connection, endpoint, client, limits)
        rules = throttles.rules_json(connection)
    return admin_json({"defaults": throttles.DEFAULTS, "rules": rules}, 200)


def _rule(body: dict[str, Any]) -> tuple[str, str, dict[str, int]]:
    endpoint = body.get("endpoint") or throttles.ANY
    client = body.get("clientAddress") or throttles.ANY
    limits = body.get("limits") or {}
    if endpoint != throttles.ANY and endpoint not in (*ENDPOINTS, *OPEN_ENDPOINTS):
        raise ApiError(400, "invalid_body", f"Unknown endpoint {endpoint!r}.")
    if not isinstance(client, str) or len(client) > 64:
        raise ApiError(400, "invalid_body", "'clientAddress' must be an address.")
    if not isinstance(limits, dict) or any(
            p not in throttles.PERIODS or isinstance(v, bool) or not isinstance(v, int)
            or not 0 < v < 2**31 for p, v in limits.items()):
        raise ApiError(400, "invalid_body", "'limits' maps Second, Minute, Hour, Day, Week "
                       "to positive integers.")
    return endpoint, client, limits


def clear_throttles() -> Response:
    rules = current_core().storage["throttle_rules"]
    with current_core().storage.begin_bookkeeping() as connection:
        connection.execute(rules.delete())
    return admin_json({"defaults": throttles.DEFAULTS, "rules": []}, 200)
