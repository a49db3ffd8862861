"""Seeding from ``fixtures/qatrack``, and the demo credentials derived from the seed."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...fixtures import qatrack as fixture_data
from ..core import Core
from ..core.hashing import derive_secret, hash_password
from . import evaluation as ev
from . import tokens

#: demo users, listed in this order: the performer first, as clients pick the first
ROLES = {"physicist": "performer", "therapist": "read_only", "admin": "admin",
         "retired": "inactive"}


def demo_password(seed: int, username: str) -> str:
    return derive_secret(seed, f"qatrack-password:{username}", 16)


@cache
def _password_hash(seed: int, username: str) -> str:
    """Salted and slow, so computed once per process for each demo user."""
    return hash_password(demo_password(seed, username))


def seed(core: Core, connection: Connection) -> None:
    data = fixture_data.load(core.config.seed)
    users = [dict(row) for row in data["users"]]
    for row in users:
        if row["username"] in ROLES:
            row["password"] = _password_hash(core.config.seed, row["username"])
    rows = {**data, "users": users, "testinstances": _judged(data),
            "permissions": _permissions(data["contenttypes"])}
    core.storage.load_rows(connection, rows)
    now = datetime.fromtimestamp(core.clock.real_time(), UTC).replace(tzinfo=None)
    for row in connection.execute(sa.select(core.storage["users"])):
        if row.username in ROLES:
            tokens.insert(core, connection, row, 0, now)


def _permissions(content_types: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for content_type in content_types:
        for action in ("add", "change", "delete", "view"):
            found.append({"id": len(found) + 1, "codename": f"{action}_{content_type['model']}",
                          "name": f"Can {action} {content_type['model']}",
                          "content_type_id": content_type["id"]})
    return found


def _judged(data: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """History's ``pass_fail``, judged by the code that judges new results."""
    tests = {row["id"]: row for row in data["tests"]}
    utis = {row["id"]: row for row in data["unittestinfos"]}
    refs = {row["id"]: row["value"] for row in data["references"]}
    tols = {row["id"]: row for row in data["tolerances"]}
    judged = []
    for row in data["testinstances"]:
        test = tests[utis[row["unit_test_info_id"]]["test_id"]]
        spec = ev.TestSpec(type=test["type"], choices=ev.split_choices(test["choices"]),
                           constant_value=test["constant_value"])
        tol = tols.get(row["tolerance_id"])
        tolerance = None if tol is None else ev.Tolerance(
            type=tol["type"], act_low=tol["act_low"], tol_low=tol["tol_low"],
            tol_high=tol["tol_high"], act_high=tol["act_high"],
            mc_pass_choices=ev.split_choices(tol["mc_pass_choices"]),
            mc_tol_choices=ev.split_choices(tol["mc_tol_choices"]))
        reference = (ev.Reference(refs[row["reference_id"]])
                     if row["reference_id"] in refs else None)
        stored = ev.Stored(value=row["value"], string_value=row["string_value"] or "")
        code = ev.pass_fail(spec, stored, skipped=row["skipped"], reference=reference,
                            tolerance=tolerance)
        judged.append({**row, "pass_fail": code})
    return judged


def credentials(core: Core) -> list[dict[str, Any]]:
    """The demo users: what a person or the conformance suite needs to sign in."""
    storage = core.storage
    users, groups, members = storage["users"], storage["groups"], storage["user_groups"]
    perms = storage["group_permissions"]
    found = []
    with storage.connect() as connection:
        for row in connection.execute(sa.select(users).where(users.c.username.in_(ROLES))
                                      .order_by(users.c.id)):
            group_ids = sa.select(members.c.group_id).where(members.c.user_id == row.id)
            names = connection.execute(sa.select(groups.c.name).where(
                groups.c.id.in_(group_ids)).order_by(groups.c.id)).scalars().all()
            codes = connection.execute(sa.select(perms.c.codename).where(
                perms.c.group_id.in_(group_ids)).order_by(perms.c.codename)).scalars().all()
            found.append({
                "username": row.username, "password": demo_password(core.config.seed,
                                                                    row.username),
                "token": tokens.current(core, connection, row), "role": ROLES[row.username],
                "is_active": bool(row.is_active), "is_superuser": bool(row.is_superuser),
                "groups": list(names),
                "permissions": ["all"] if row.is_superuser else sorted(set(codes)),
                "can_perform": bool(row.is_active) and (
                    bool(row.is_superuser) or "add_testlistinstance" in codes),
                "user_url_path": f"/api/auth/users/{row.id}/",
            })
    return sorted(found, key=lambda entry: list(ROLES).index(entry["username"]))
