"""The statements every getResults, a specification read and an evaluation run: builders for
``Storage.driver``.

Each is built and compiled once per storage (``core.storage.driver(builder, *args)``,
with the user's values as bound parameters) and runs on the driver's cursor, so a
request pays neither for building a select and its cache key nor for SQLAlchemy's
execution context and result. A filtered page streams :func:`results` through
``connection.execute`` instead (``blueprint.first_matching``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..core.storage import Storage
from . import json_sql

RATE_LIMIT_KEY = "rateLimit"


def caller(storage: Storage) -> sa.Select:
    """By ``token_hash``: the token, the rate limit setting, and one row per set its user's
    group may use (one row without when none); the clock offset and the data generation
    are read before every request by the core (``Core.read_shared_state``)."""
    tokens, users, permissions, settings = (storage[n] for n in ("tokens", "users",
                                                                 "permissions", "settings"))
    rate_limit = (sa.select(settings.c.value).where(settings.c.key == RATE_LIMIT_KEY)
                  .scalar_subquery())
    return (sa.select(tokens, rate_limit.label("rate_limit"),
                      permissions.c.set_id.label("permission_set_id"),
                      permissions.c.level.label("permission_level"))
            .select_from(tokens.outerjoin(users, users.c.id == tokens.c.user_id)
                         .outerjoin(permissions, permissions.c.group_id == users.c.group_id))
            .where(tokens.c.token_hash == sa.bindparam("token_hash")))


def set_definition(storage: Storage) -> sa.Select:
    """By ``set_id``: the set, its fields in order and their options (outer joined)."""
    sets, fields, options = storage["sets"], storage["fields"], storage["options"]
    return (
        sa.select(sets, fields.c.id.label("field_id"), fields.c.name.label("field_name"),
                  fields.c.label.label("field_label"), fields.c.type.label("field_type"),
                  fields.c.required, fields.c.active, fields.c.decimals, fields.c.unit,
                  fields.c.list_id, options.c.option_id, options.c.label.label("option_label"))
        .select_from(sets.outerjoin(fields, fields.c.set_id == sets.c.id)
                     .outerjoin(options, options.c.field_id == fields.c.id))
        .where(sets.c.id == sa.bindparam("set_id"))
        .order_by(fields.c.position, fields.c.id, options.c.option_id))


def results(storage: Storage, newest: bool) -> sa.Select:
    """By ``set_id``: every result as ``(id, date, values, modified_at)``, newest first
    (ties: the highest id first) or oldest first (the lowest id first)."""
    table = storage["results"]
    every = (sa.select(table.c.id, table.c.date, table.c["values"], table.c.modified_at)
             .where(table.c.set_id == sa.bindparam("set_id")))
    if newest:
        return every.order_by(table.c.date.desc(), table.c.id.desc())
    return every.order_by(table.c.date.asc(), table.c.id.asc())


def results_narrowed(storage: Storage, newest: bool, names: tuple[str, ...]) -> sa.Select:
    """:func:`results` of which each of ``names`` holds one of the values bound as
    ``equal_<i>`` or a list (``json_sql.one_of_or_list``); only for names
    ``json_sql.narrowable`` on the storage's dialect."""
    table = storage["results"]
    dialect = storage.engine.dialect
    document = json_sql.document(table.c["values"], dialect)
    narrowed = results(storage, newest)
    for i, name in enumerate(names):
        narrowed = narrowed.where(_in_sql(
            json_sql.one_of_or_list(document, name, f"equal_{i}", dialect), name, dialect))
    return narrowed


def results_page(storage: Storage, newest: bool) -> sa.Select:
    """:func:`results` paged by the bound ``limit`` and ``offset``."""
    return results(storage, newest).limit(sa.bindparam("limit")).offset(sa.bindparam("offset"))


def spec_versions(storage: Storage, one_index_value: bool) -> sa.Select:
    """By ``set_id`` (and ``index_value`` when ``one_index_value``): the set's
    specification versions, oldest first per index value (ties: the lowest version)."""
    table = storage["spec_versions"]
    query = sa.select(table).where(table.c.set_id == sa.bindparam("set_id"))
    if one_index_value:
        query = query.where(table.c.index_value == sa.bindparam("index_value"))
    return query.order_by(table.c.index_value, table.c.start_at, table.c.version)


def numbers(storage: Storage, names: tuple[str, ...], index: str | None) -> sa.Select:
    """By ``set_id`` and ``limit``: the newest results (:func:`results`' order), each as its
    date, the number under ``index`` (an option id; NULL without an index field) and the
    number under each of ``names`` (``json_sql.number_at``). Only for names
    ``json_sql.expressible`` on the storage's dialect.

    The newest results are picked first and their documents read in an outer select, so
    that PostgreSQL parses each document once, not once per field."""
    table = storage["results"]
    dialect = storage.engine.dialect
    newest = (results(storage, True)
              .with_only_columns(table.c.id, table.c.date,
                                 json_sql.document(table.c["values"], dialect).label("document"))
              .limit(sa.bindparam("limit")).subquery("newest"))

    def number(name: str) -> sa.ColumnElement[Any]:
        return _in_sql(json_sql.number_at(newest.c.document, name, dialect), name, dialect)

    at_index = number(index) if index else sa.null()
    return (sa.select(newest.c.date, at_index.label("index_value"),
                      *(number(name).label(f"n{i}") for i, name in enumerate(names)))
            .order_by(newest.c.date.desc(), newest.c.id.desc()))


def _in_sql(found: sa.ColumnElement[Any] | None, name: str,
            dialect: sa.Dialect) -> sa.ColumnElement[Any]:
    """``found``, what ``json_sql`` reads under ``name``; the callers build only for names
    it reads in SQL, so None is a caller's mistake."""
    if found is None:
        raise ValueError(f"{name!r} is not read in SQL on {dialect.name}")
    return found
