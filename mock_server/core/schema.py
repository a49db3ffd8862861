"""Which version of the mock made a database, so a mismatch is refused with a clear message.

The schema version is a fingerprint of the system's table definitions (names,
columns, types, keys), stored in the state table when the data is seeded: any
change to a table in a newer version of the mock changes it, without anyone
having to remember to bump a number. The seed is stored too, because the demo
secrets are derived from it: data seeded with another seed would not match the
credentials ``serve`` prints.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

SCHEMA_KEY = "schema_version"


class DatabaseMismatch(RuntimeError):
    """The database holds data this mock cannot serve as is; ``str()`` says what to do."""


def fingerprint(metadata: sa.MetaData) -> str:
    parts = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        for column in table.columns:
            parts.append(f"{table.name}.{column.name}:{type(column.type).__name__}:"
                         f"{int(column.nullable or 0)}{int(column.primary_key)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def check_compatible(*, where: str, stored_schema: str | None, schema: str,
                     stored_seed: str, seed: int) -> None:
    """Raise DatabaseMismatch unless a seeded database fits this mock and seed."""
    if stored_schema != schema:
        made_by = "an older version" if stored_schema is None else "another version"
        raise DatabaseMismatch(
            f"{where} was made by {made_by} of apidouble (its tables differ); "
            "run `apidouble serve --reset` to reseed it, or give another --db")
    if stored_seed != str(seed):
        raise DatabaseMismatch(
            f"{where} holds data seeded with --seed {stored_seed}, not {seed}; serve it with "
            f"--seed {stored_seed}, reseed it with --reset, or give another --db")
