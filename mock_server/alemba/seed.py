"""Seeding from ``fixtures/alemba`` and the demo credentials derived from the seed.

Only hashes are stored: passwords are derived per login id, client secrets per
client id, both from the seed, so ``/__admin/credentials`` can print them.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from werkzeug.security import generate_password_hash

from ...fixtures import alemba as fixture_data
from ..core import Core
from ..core.hashing import derive_secret, hash_secret
from ..core.licences import LicencePool
from .entities import STORED

#: the people the credentials list names first, by role: (role, person ref, client id)
ROLES = [
    ("analyst", 3, "alemba-analyst"),
    ("analyst2", 6, "alemba-analyst"),
    ("user", 21, "alemba-user"),
    ("analyst-any-client", 9, "integration-hub"),
    ("user-any-client", 22, "integration-hub"),
    ("disabled-client", 4, "legacy-connector"),
    ("disabled-login", 19, "alemba-analyst"),
]
PASSWORD_METHOD = "pbkdf2:sha256:2000"
SSO_PERSON, SSO_CLIENT, SSO_REDIRECT = 5, "sso-portal", "http://localhost/callback"


def demo_password(seed: int, login_id: str) -> str:
    return derive_secret(seed, f"alemba-password:{login_id}", 16)


def client_secret(seed: int, client_id: str) -> str:
    return derive_secret(seed, f"alemba-client:{client_id}", 32)


@cache
def _password_hash(seed: int, login_id: str) -> str:
    """Salted PBKDF2 made once per process, not once per reset. The demo passwords derive
    from a public seed, so fewer rounds than ``hash_password`` keep logins fast under load."""
    return generate_password_hash(demo_password(seed, login_id), method=PASSWORD_METHOD)


def licence_sizes(core: Core, data: dict[str, Any]) -> dict[str, int]:
    override = core.config.extra.get("alemba_licences")
    return dict(override) if isinstance(override, dict) else dict(data["licences"])


def seed(core: Core, connection: Connection) -> None:
    data = fixture_data.load(core.config.seed)
    seed_value = core.config.seed
    logins = {row["ref"]: row["login_id"] for row in data["persons"] if row["login_id"]}
    tables = {name: rows for name, rows in data.items() if name != "licences"}
    tables["logins"] = [
        {**row, "password_hash": _password_hash(seed_value, logins[row["person_ref"]])}
        for row in data["logins"]
    ]
    tables["api_clients"] = [_client_row(seed_value, row) for row in data["api_clients"]]
    tables["attachments"] = [
        {**row, "binary_data": base64.b64decode(row["binary_data"])} for row in data["attachments"]
    ]
    core.storage.load_rows(connection, tables)
    advance_sequences(connection, [core.storage[entity.table] for entity in STORED])
    LicencePool(core.storage, core.clock).configure(connection, licence_sizes(core, data))


def _client_row(seed_value: int, row: dict[str, Any]) -> dict[str, Any]:
    out = {key: value for key, value in row.items() if key != "has_secret"}
    secret = client_secret(seed_value, row["client_id"]) if row["has_secret"] else None
    out["secret_hash"] = hash_secret(secret) if secret else None
    return out


def credentials(core: Core) -> list[dict[str, Any]]:
    """Everything a user or the conformance suite needs to log in, one entry per identity."""
    storage = core.storage
    persons, logins, clients = storage["persons"], storage["logins"], storage["api_clients"]
    with storage.connect() as connection:
        people = {
            row.ref: row
            for row in connection.execute(
                sa.select(
                    persons.c.ref, persons.c.login_id, persons.c.is_analyst, logins.c.enabled
                ).join(logins, logins.c.person_ref == persons.c.ref)
            )
        }
        client_rows = {row.client_id: row for row in connection.execute(sa.select(clients))}
        access = _partitions(connection, storage["partition_access"])
    entries = [
        _entry(core, role, people[ref], client_rows[client], access.get(ref, []))
        for role, ref, client in ROLES
    ]
    entries.append(_anonymous(core, client_rows["integration-hub"]))
    entries.append(
        _sso(core, people[SSO_PERSON], client_rows[SSO_CLIENT], access.get(SSO_PERSON, []))
    )
    named = {ref for _, ref, _ in ROLES} | {SSO_PERSON}
    for ref, person in sorted(people.items()):
        if ref not in named and person.enabled:
            analyst = person.is_analyst == "Y"
            role, client = ("analyst", "alemba-analyst") if analyst else ("user", "alemba-user")
            entries.append(
                _entry(core, f"{role}-extra-{ref}", person, client_rows[client],
                       access.get(ref, []))
            )
    return entries


def _partitions(connection: Connection, table: sa.Table) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for person, partition in connection.execute(
        sa.select(table.c.person_ref, table.c.partition_ref).order_by(*table.c)
    ):
        out.setdefault(person, []).append(partition)
    return out


def _client_fields(core: Core, client: Any) -> dict[str, Any]:
    secret = client_secret(core.config.seed, client.client_id) if client.secret_hash else None
    return {
        "client_id": client.client_id,
        "client_secret": secret,
        "clientEnabled": bool(client.enabled),
        "clientSessionType": client.session_type,
    }


def _entry(core: Core, role: str, person: Any, client: Any, partitions: list[int]) -> dict:
    session_type = "Analyst" if person.is_analyst == "Y" and "user" not in role else "User"
    return {
        "name": role,
        "grantType": "password",
        **_client_fields(core, client),
        "username": person.login_id,
        "password": demo_password(core.config.seed, person.login_id),
        "sessionType": session_type,
        "scope": f"session-type:{session_type}",
        "loginEnabled": bool(person.enabled),
        "personRef": person.ref,
        "partitions": partitions,
    }


def _anonymous(core: Core, client: Any) -> dict[str, Any]:
    return {
        "name": "anonymous",
        "grantType": "client_credentials",
        **_client_fields(core, client),
        "username": None,
        "password": None,
        "sessionType": "Anonymous",
        "scope": None,
        "loginEnabled": True,
        "personRef": None,
        "partitions": [1],
    }


def _sso(core: Core, person: Any, client: Any, partitions: list[int]) -> dict[str, Any]:
    return {
        "name": "sso",
        "grantType": "authorization_code",
        **_client_fields(core, client),
        "username": person.login_id,
        "password": None,
        "sessionType": "Analyst",
        "scope": "session-type:Analyst",
        "loginEnabled": True,
        "personRef": person.ref,
        "partitions": partitions,
        "authorizeUrl": "/alemba.web/oauth/authorize",
        "redirectUri": SSO_REDIRECT,
    }


def advance_sequences(connection: Connection, tables: list[sa.Table]) -> None:
    """PostgreSQL: move each ``ref`` serial past the fixture rows (the core does it for ``id``)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        if "ref" in table.c and table.c.ref.autoincrement is True:
            connection.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'ref'), "
                    f"COALESCE((SELECT MAX(ref) FROM {table.name}), 0) + 1, false)"
                )
            )
