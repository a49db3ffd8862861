"""Seeding from ``fixtures/qses`` and the demo accounts' passwords, derived from the seed."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...fixtures import qses as fixture_data
from ..core import Core
from ..core.hashing import derive_secret, hash_password, password_matches
from .contact_dto import email_key, mobile_key
from .tables import LOCK_MATCHING

PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def demo_password(seed: int, username: str) -> str:
    """Mixed case on purpose: the password is case-sensitive (QS-04)."""
    return "Qs" + derive_secret(seed, f"qses:password:{username.lower()}", 14,
                                PASSWORD_ALPHABET) + "!"


def seed(core: Core, connection: Connection) -> None:
    data = fixture_data.load(core.config.seed)
    accounts = [{**row, "username_key": row["username"].lower(),
                 "password_hash": hash_password(demo_password(core.config.seed,
                                                              row["username"]))}
                for row in data["accounts"]]
    contacts = [{**row, "email_key": email_key(row["email_address"]),
                 "mobile_key": mobile_key(row["mobile"])} for row in data["contacts"]]
    rows = {**data, "accounts": accounts, "contacts": contacts}
    core.storage.load_rows(connection, {name: rows[name] for name in fixture_data.TABLES})
    connection.execute(core.storage["locks"].insert().values(name=LOCK_MATCHING, version=0))
    _advance_contact_numbers(connection, core)


def _advance_contact_numbers(connection: Connection, core: Core) -> None:
    """PostgreSQL: the contacts' serial must continue after the fixtures' CrmNumbers."""
    if connection.dialect.name != "postgresql":
        return
    name = core.storage["contacts"].name
    connection.execute(sa.text(
        f"SELECT setval(pg_get_serial_sequence('{name}', 'crm_number'), "
        f"COALESCE((SELECT MAX(crm_number) FROM {name}), 0) + 1, false)"))


def credentials(core: Core) -> list[dict[str, Any]]:
    """Every account, its grants, and the password of the seeded ones."""
    accounts, grants = core.storage["accounts"], core.storage["grants"]
    with core.storage.connect() as connection:
        rows = connection.execute(sa.select(accounts).order_by(accounts.c.id)).all()
        granted = connection.execute(sa.select(grants).order_by(grants.c.endpoint)).all()
    return [{"username": row.username, "password": _known_password(core, row),
             "description": row.description,
             "endpoints": [g.endpoint for g in granted if g.account_id == row.id]}
            for row in rows]


def _known_password(core: Core, row: Any) -> str | None:
    """The demo password while it is the account's password (a data file may change it)."""
    demo = demo_password(core.config.seed, row.username)
    return demo if password_matches(demo, row.password_hash) else None
