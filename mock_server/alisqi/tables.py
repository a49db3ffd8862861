"""AlisQI's tables: the installation's data model is rows, not code.

Sets (analysis sets and selection lists), their fields and selection options,
user groups with a permission per set, users, tokens, results (their values a
JSON document per result, keyed by field name) and specification versions.
A set's ``revision`` is bumped by every write to it: the write takes the
set's row lock first, which makes keyField upserts atomic on SQLite and
PostgreSQL alike, and the revision is the ``ETag`` of ``getResults``.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..core import Core

#: tables in the order they are emptied and exported (children last)
TABLES = ("settings", "menu_groups", "sets", "fields", "options", "user_groups", "permissions",
          "users", "tokens", "results", "spec_versions")


def define_tables(core: Core) -> None:
    table = core.storage.table
    table("settings", sa.Column("key", sa.String(100), primary_key=True),
          sa.Column("value", sa.Text, nullable=False))
    table("menu_groups", sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("name", sa.String(200), nullable=False),
          sa.Column("top_level_menu", sa.String(200), nullable=False))
    table("sets", sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("name", sa.String(200), nullable=False, unique=True),
          sa.Column("kind", sa.String(10), nullable=False),  # analysis | list
          sa.Column("group_id", sa.Integer, nullable=False),
          sa.Column("index_field", sa.String(100)),
          sa.Column("revision", sa.Integer, nullable=False, default=0),
          sa.Column("modified_at", sa.DateTime, nullable=False))
    table("fields", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
          sa.Column("set_id", sa.Integer, nullable=False, index=True),
          sa.Column("position", sa.Integer, nullable=False),
          sa.Column("name", sa.String(100), nullable=False),
          sa.Column("label", sa.String(200), nullable=False),
          sa.Column("type", sa.String(20), nullable=False),
          sa.Column("required", sa.Boolean, nullable=False, default=False),
          sa.Column("active", sa.Boolean, nullable=False, default=True),
          sa.Column("decimals", sa.Integer),
          sa.Column("unit", sa.String(50)),
          sa.Column("list_id", sa.Integer),
          sa.UniqueConstraint("set_id", "name"))
    table("options", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
          sa.Column("field_id", sa.Integer, nullable=False, index=True),
          sa.Column("option_id", sa.Integer, nullable=False),
          sa.Column("label", sa.String(200), nullable=False),
          sa.UniqueConstraint("field_id", "option_id"), sa.UniqueConstraint("field_id", "label"))
    table("user_groups", sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("name", sa.String(200), nullable=False))
    table("permissions", sa.Column("group_id", sa.Integer, primary_key=True),
          sa.Column("set_id", sa.Integer, primary_key=True),
          sa.Column("level", sa.String(5), nullable=False))  # read | write
    table("users", sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("name", sa.String(200), nullable=False),
          sa.Column("group_id", sa.Integer, nullable=False),
          sa.Column("active", sa.Boolean, nullable=False, default=True))
    table("tokens", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
          sa.Column("user_id", sa.Integer, nullable=False),
          sa.Column("name", sa.String(200), nullable=False),
          sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
          sa.Column("token_prefix", sa.String(20), nullable=False),
          sa.Column("ip_whitelist", sa.Text, nullable=False, default="[]"),
          sa.Column("created_at", sa.DateTime, nullable=False),
          sa.Column("last_used_at", sa.DateTime),
          sa.Column("revoked_at", sa.DateTime))
    table("results", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
          sa.Column("set_id", sa.Integer, nullable=False),
          sa.Column("date", sa.DateTime, nullable=False),
          sa.Column("values", sa.Text, nullable=False),
          sa.Column("modified_at", sa.DateTime, nullable=False),
          sa.Index("alisqi_results_set_date", "set_id", "date"))
    table("spec_versions", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
          sa.Column("set_id", sa.Integer, nullable=False),
          sa.Column("index_value", sa.String(200), nullable=False),
          sa.Column("version", sa.Integer, nullable=False),
          sa.Column("start_at", sa.DateTime, nullable=False),
          sa.Column("reason", sa.Text, nullable=False),
          sa.Column("specs", sa.Text, nullable=False),
          sa.UniqueConstraint("set_id", "index_value", "version"))
