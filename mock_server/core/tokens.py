"""Issued tokens (access, refresh, DRF tokens, ...) with atomic single-use rotation.

Only a hash of each token is stored. A token belongs to a *family*: the chain
of refresh tokens descending from one login. ``consume`` marks a token used
with one conditional UPDATE, so of several concurrent refreshes with the same
token exactly one wins, across threads and worker processes alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from .clock import Clock
from .hashing import hash_secret, random_secret
from .storage import Storage


@dataclass(frozen=True)
class TokenRecord:
    kind: str
    subject: dict[str, Any]
    family: str
    issued_at: datetime
    expires_at: datetime | None


class TokenStore:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock
        self.table = storage.table(
            "core_tokens",
            sa.Column("token_hash", sa.String(64), primary_key=True),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("family", sa.String(64), nullable=False, index=True),
            sa.Column("subject", sa.Text, nullable=False),
            sa.Column("issued_at", sa.DateTime, nullable=False),
            sa.Column("expires_at", sa.DateTime, nullable=True),
            sa.Column("consumed_at", sa.DateTime, nullable=True),
            sa.Column("revoked_at", sa.DateTime, nullable=True),
        )

    def issue(
        self,
        kind: str,
        subject: dict[str, Any],
        ttl_seconds: float | None,
        family: str | None = None,
        raw: str | None = None,
    ) -> str:
        """Store a new token and return its plaintext (shown to the caller once)."""
        raw = raw or random_secret(48)
        now = self.clock.naive_now()
        expires = None if ttl_seconds is None else now + timedelta(seconds=ttl_seconds)
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(
                self.table.insert().values(
                    token_hash=hash_secret(raw),
                    kind=kind,
                    family=family or hash_secret(raw)[:32],
                    subject=json.dumps(subject, sort_keys=True),
                    issued_at=now,
                    expires_at=expires,
                )
            )
        return raw

    def lookup(self, raw: str, kind: str) -> TokenRecord | None:
        """The live token (not expired, used or revoked), or None."""
        now = self.clock.naive_now()
        # every authenticated request looks its token up: on the driver (.driver_sql)
        lookup = self.storage.driver(_live_by_hash, self.table)
        with self.storage.connect() as connection:
            row = lookup.first(connection, {"token_hash": hash_secret(raw), "kind": kind,
                                            "now": now})
        return _record(row) if row else None

    def consume(self, raw: str, kind: str) -> TokenRecord | None:
        """Use a single-use token: exactly one caller gets the record, later ones None."""
        now = self.clock.naive_now()
        # UPDATE first: it takes the write lock before anything is read, so no
        # two transactions can both see the token live (SQLite and PostgreSQL).
        with self.storage.begin_bookkeeping() as connection:
            won = connection.execute(
                self.table.update()
                .where(self._live(raw, kind, now))
                .values(consumed_at=now)
            ).rowcount
            if won != 1:
                return None
            row = connection.execute(
                sa.select(self.table).where(self.table.c.token_hash == hash_secret(raw))
            ).one()
        return _record(row)

    def revoke(self, raw: str, kind: str) -> bool:
        now = self.clock.naive_now()
        with self.storage.begin_bookkeeping() as connection:
            return bool(
                connection.execute(
                    self.table.update()
                    .where(self._live(raw, kind, now))
                    .values(revoked_at=now)
                ).rowcount
            )

    def revoke_family(self, family: str) -> int:
        now = self.clock.naive_now()
        with self.storage.begin_bookkeeping() as connection:
            return connection.execute(
                self.table.update()
                .where(self.table.c.family == family, self.table.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount

    def state(self, raw: str, kind: str) -> str:
        """``live``, ``expired``, ``used``, ``revoked`` or ``unknown``: for precise errors."""
        now = self.clock.naive_now()
        with self.storage.connect() as connection:
            row = connection.execute(
                sa.select(self.table).where(
                    self.table.c.token_hash == hash_secret(raw), self.table.c.kind == kind
                )
            ).first()
        if row is None:
            return "unknown"
        if row.revoked_at is not None:
            return "revoked"
        if row.consumed_at is not None:
            return "used"
        if row.expires_at is not None and row.expires_at <= now:
            return "expired"
        return "live"

    def clear(self) -> None:
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(self.table.delete())

    def _live(self, raw: str, kind: str, now: datetime) -> sa.ColumnElement[bool]:
        c = self.table.c
        return sa.and_(
            c.token_hash == hash_secret(raw),
            c.kind == kind,
            c.consumed_at.is_(None),
            c.revoked_at.is_(None),
            sa.or_(c.expires_at.is_(None), c.expires_at > now),
        )


def _live_by_hash(table: sa.Table) -> sa.Select:
    c = table.c
    return sa.select(table).where(
        c.token_hash == sa.bindparam("token_hash"),
        c.kind == sa.bindparam("kind"),
        c.consumed_at.is_(None),
        c.revoked_at.is_(None),
        sa.or_(c.expires_at.is_(None), c.expires_at > sa.bindparam("now")),
    )


def _record(row: Any) -> TokenRecord:
    return TokenRecord(
        kind=row.kind,
        subject=json.loads(row.subject),
        family=row.family,
        issued_at=row.issued_at,
        expires_at=row.expires_at,
    )
