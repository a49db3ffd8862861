"""Seeding from the installation document in ``fixtures/alisqi``, and the demo credentials."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...fixtures import alisqi as fixture_data
from ..core import Core
from .installation import apply_data
from .tokens import demo_token, hash_secret

#: an installation document that replaces the seeded one (tests; ``serve --data``)
DOCUMENT_KEY = "alisqi_installation"


def seed(core: Core, connection: Connection) -> None:
    document = core.config.extra.get(DOCUMENT_KEY)
    section = document if isinstance(document, dict) else fixture_data.load(core.config.seed)
    apply_data(core, connection, section, "replace")


def credentials(core: Core) -> list[dict[str, Any]]:
    """Live tokens whose secret is a demo secret, with what their user may do per set."""
    t = core.storage
    tokens, users, permissions = t["tokens"], t["users"], t["permissions"]
    query = (sa.select(tokens, users.c.name.label("user_name"), users.c.group_id)
             .join(users, users.c.id == tokens.c.user_id)
             .where(tokens.c.revoked_at.is_(None)).order_by(tokens.c.id))
    with core.storage.connect() as connection:
        rows = connection.execute(query).all()
        granted: dict[int, dict[str, str]] = {}
        for p in connection.execute(sa.select(permissions)):
            granted.setdefault(p.group_id, {})[str(p.set_id)] = p.level
    out = []
    for row in rows:
        raw = demo_token(core.config.seed, row.name)
        if hash_secret(raw) != row.token_hash:
            continue
        out.append({"token": raw, "tokenName": row.name, "tokenId": row.id,
                    "userId": row.user_id, "userName": row.user_name,
                    "permissions": granted.get(row.group_id, {}),
                    "ipWhitelist": json.loads(row.ip_whitelist)})
    return out
