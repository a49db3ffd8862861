"""Seeding from ``fixtures/aliquora`` and the demo credentials derived from the seed."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...fixtures import aliquora as fixture_data
from ..core import Core
from .keys import demo_key, stored_fields


def seed(core: Core, connection: Connection) -> None:
    data = fixture_data.load(core.config.seed)
    keys = [
        {**row, **stored_fields(demo_key(core.config.seed, row["name"]))}
        for row in data["api_keys"]
    ]
    core.storage.load_rows(connection, {**data, "api_keys": keys})


def credentials(core: Core) -> list[dict[str, Any]]:
    """One entry per live demo key: what a user or the conformance suite needs."""
    keys, users, orgs = (core.storage[n] for n in ("api_keys", "users", "organizations"))
    query = (
        sa.select(
            keys.c.id, keys.c.name, keys.c.organization_id, users.c.id.label("user_id"),
            users.c.name.label("user_name"), users.c.role, orgs.c.name.label("org_name"),
            orgs.c.plan, orgs.c.monthly_sample_allowance,
        )
        .join(users, users.c.id == keys.c.user_id)
        .join(orgs, orgs.c.id == keys.c.organization_id)
        .where(keys.c.revoked_at.is_(None), keys.c.name.like("demo-%"))
        .order_by(keys.c.id)
    )
    with core.storage.connect() as connection:
        rows = connection.execute(query).all()
    return [
        {
            "name": row.name,
            "organizationId": row.organization_id,
            "organizationName": row.org_name,
            "userId": row.user_id,
            "userName": row.user_name,
            "role": row.role,
            "plan": row.plan,
            "monthlySampleAllowance": row.monthly_sample_allowance,
            "keyId": row.id,
            "apiKey": demo_key(core.config.seed, row.name),
        }
        for row in rows
    ]
