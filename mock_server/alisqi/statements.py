"""The statements every getResults runs, built once per app with bind parameters.

Building a select and computing the cache key of a new statement costs SQLAlchemy
about twice what running the compiled form costs on SQLite; a statement built once
keeps its cache key, so only the parameters change from one request to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

import sqlalchemy as sa

from ..core import Core
from ..core.storage import Storage

RATE_LIMIT_KEY = "rateLimit"


@dataclass(frozen=True)
class Statements:
    #: by ``token_hash``: the token, the rate limit setting, and one row per set its
    #: user's group may use (one row without when none); the clock offset and the data
    #: generation are read before every request by the core (``Core.read_shared_state``)
    caller: sa.Select
    #: by ``set_id``: the set, its fields in order and their options (outer joined)
    set_definition: sa.Select
    #: by ``set_id`` (and ``limit``, ``offset`` for a page): ``(id, date, values, modified_at)``
    newest_results: sa.Select
    oldest_results: sa.Select
    newest_page: sa.Select
    oldest_page: sa.Select


_built: WeakKeyDictionary[Storage, Statements] = WeakKeyDictionary()


def statements(core: Core) -> Statements:
    found = _built.get(core.storage)
    if found is None:
        found = _built[core.storage] = _build(core)
    return found


def _build(core: Core) -> Statements:
    t = core.storage
    tokens, users, permissions, settings = (t[n] for n in ("tokens", "users", "permissions",
                                                          "settings"))
    rate_limit = (sa.select(settings.c.value).where(settings.c.key == RATE_LIMIT_KEY)
                  .scalar_subquery())
    caller = (sa.select(tokens, rate_limit.label("rate_limit"),
                        permissions.c.set_id.label("permission_set_id"),
                        permissions.c.level.label("permission_level"))
              .select_from(tokens.outerjoin(users, users.c.id == tokens.c.user_id)
                           .outerjoin(permissions, permissions.c.group_id == users.c.group_id))
              .where(tokens.c.token_hash == sa.bindparam("token_hash")))

    sets, fields, options = t["sets"], t["fields"], t["options"]
    set_definition = (
        sa.select(sets, fields.c.id.label("field_id"), fields.c.name.label("field_name"),
                  fields.c.label.label("field_label"), fields.c.type.label("field_type"),
                  fields.c.required, fields.c.active, fields.c.decimals, fields.c.unit,
                  fields.c.list_id, options.c.option_id, options.c.label.label("option_label"))
        .select_from(sets.outerjoin(fields, fields.c.set_id == sets.c.id)
                     .outerjoin(options, options.c.field_id == fields.c.id))
        .where(sets.c.id == sa.bindparam("set_id"))
        .order_by(fields.c.position, fields.c.id, options.c.option_id))

    results = t["results"]
    every = (sa.select(results.c.id, results.c.date, results.c["values"], results.c.modified_at)
             .where(results.c.set_id == sa.bindparam("set_id")))
    newest = every.order_by(results.c.date.desc(), results.c.id.desc())
    oldest = every.order_by(results.c.date.asc(), results.c.id.asc())
    return Statements(
        caller=caller, set_definition=set_definition,
        newest_results=newest, oldest_results=oldest,
        newest_page=newest.limit(sa.bindparam("limit")).offset(sa.bindparam("offset")),
        oldest_page=oldest.limit(sa.bindparam("limit")).offset(sa.bindparam("offset")))
