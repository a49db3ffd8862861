"""DRF auth tokens: 40 hex characters, one per user, stored only as a hash.

DRF's ``get-token`` answers a user's *existing* token again, so its plaintext
must be recoverable without storing it: every token is derived from the seed,
the username and a generation number (``derive_secret``), and only its hash
and the generation live in the core token table (``kind="drf"``, family
``user-<id>``). Regenerating (the admin page) revokes the old one and bumps
the generation.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import Core
from ..core.hashing import derive_secret, hash_secret

KIND = "drf"
HEX = "0123456789abcdef"


def derive(seed: int, username: str, generation: int) -> str:
    return derive_secret(seed, f"qatrack-token:{username}:{generation}", 40, HEX)


def family(user_id: int) -> str:
    return f"user-{user_id}"


def insert(core: Core, connection: Connection, user: Any, generation: int,
           now: datetime | None = None) -> str:
    """Store a user's token of ``generation`` with ``connection``; return its plaintext.

    ``now`` must be passed when no request has read the clock yet: reading it
    opens a second connection, which an in-memory database shares with this one.
    """
    raw = derive(core.config.seed, user.username, generation)
    connection.execute(core.tokens.table.insert().values(
        token_hash=hash_secret(raw), kind=KIND, family=family(user.id),
        subject=json.dumps({"user_id": user.id, "generation": generation}),
        issued_at=now or core.clock.naive_now(), expires_at=None))
    return raw


def current(core: Core, connection: Connection, user: Any) -> str | None:
    """The user's live token, if any."""
    table = core.tokens.table
    rows = connection.execute(
        sa.select(table.c.subject).where(table.c.family == family(user.id),
                                         table.c.kind == KIND, table.c.revoked_at.is_(None))
    ).all()
    for row in rows:  # a token declared in a data file is known only by its hash
        subject = json.loads(row.subject)
        if "generation" in subject:
            return derive(core.config.seed, user.username, subject["generation"])
    return None


def get_or_create(core: Core, connection: Connection, user: Any) -> str:
    """DRF's ``Token.objects.get_or_create(user=user)``."""
    return current(core, connection, user) or insert(
        core, connection, user, _generations(core, connection, user.id))


def regenerate(core: Core, connection: Connection, user: Any) -> str:
    """Delete the user's token and add a new one (the admin page's way)."""
    revoke(core, connection, user.id)
    return insert(core, connection, user, _generations(core, connection, user.id))


def revoke(core: Core, connection: Connection, user_id: int) -> int:
    table = core.tokens.table
    return connection.execute(
        table.update().where(table.c.family == family(user_id), table.c.kind == KIND,
                             table.c.revoked_at.is_(None))
        .values(revoked_at=core.clock.naive_now())).rowcount


def _generations(core: Core, connection: Connection, user_id: int) -> int:
    table = core.tokens.table
    return int(connection.execute(
        sa.select(sa.func.count()).where(table.c.family == family(user_id),
                                         table.c.kind == KIND)).scalar() or 0)


def user_id_for(core: Core, raw: str) -> int | None:
    record = core.tokens.lookup(raw, KIND)
    return None if record is None else int(record.subject["user_id"])
