"""The SQL tables: one per stored entity, generated from its description, plus auth tables."""

from __future__ import annotations

import sqlalchemy as sa

from ..core import Core
from ..core.licences import LicencePool
from .entities import STORED
from .extensions import define_tables as define_extension_tables


def define_tables(core: Core) -> None:
    table = core.storage.table
    for entity in STORED:
        table(entity.table, *(prop.sql_column() for prop in entity.props))
    table(
        "logins",
        sa.Column("person_ref", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
    )
    table(
        "partition_access",
        sa.Column("person_ref", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("partition_ref", sa.Integer, primary_key=True, autoincrement=False),
    )
    table(
        "api_clients",
        sa.Column("client_id", sa.String(60), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("secret_hash", sa.String(64)),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("session_type", sa.String(10), nullable=False),
        sa.Column("redirect_uri", sa.String(200)),
    )
    table(
        "locks",
        sa.Column("entity", sa.String(40), primary_key=True),
        sa.Column("ref", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("session", sa.String(64), nullable=False),
        sa.Column("person_ref", sa.Integer, nullable=False),
        sa.Column("locked_at", sa.DateTime, nullable=False),
    )
    define_extension_tables(core)
    LicencePool(core.storage, core.clock)
