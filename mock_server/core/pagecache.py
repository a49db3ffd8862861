"""A per-process cache of read responses, valid while the system's data is unchanged.

Every write transaction (``Storage.begin``) stamps a new *data generation* in
the shared state table; a cached body is served only while the generation it
was built under is still current. The generation is read once per request
(``Core.read_shared_state``, with the clock offset), so every worker sees a
write at once and a cache hit costs no query of its own. Only endpoints that
opt in are cached, and only those whose answer depends on the data and the
request alone (not on the clock).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.engine import Connection

from .storage import Storage

GENERATION_KEY = "data_generation"


class PageCache:
    def __init__(self, storage: Storage, state_table: sa.Table, size: int = 256,
                 enabled: bool = True) -> None:
        self.storage = storage
        self.table = state_table
        self.size = size
        self.enabled = enabled
        self._entries: OrderedDict[Hashable, tuple[str, bytes]] = OrderedDict()
        self._lock = Lock()
        #: True while answers may differ from the data alone (a deviation is on): no caching
        self.bypass: Callable[[], bool] = lambda: False

    # --- the generation ----------------------------------------------------------------
    def remember(self, generation: str | None) -> None:
        if has_request_context():
            g.apidouble_generation = generation or ""

    def bump(self, connection: Connection) -> None:
        """Stamp a new generation inside a write transaction (called by Storage.begin)."""
        stamp = uuid.uuid4().hex
        # every write transaction of every system runs this, inside the writer's turn
        updated = self.storage.driver(_stamp, self.table).run(connection, {"stamp": stamp})
        if not updated:
            connection.execute(self.table.insert().values(key=GENERATION_KEY, value=stamp))

    # --- the cache -----------------------------------------------------------------------
    def fetch(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The cached body for ``key`` under the current generation, else ``build()``."""
        generation = g.get("apidouble_generation") if has_request_context() else None
        if not self.enabled or generation is None or self.bypass():
            return build()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == generation:
                self._entries.move_to_end(key)
                return entry[1]
        body = build()
        with self._lock:
            self._entries[key] = (generation, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return body

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _stamp(state_table: sa.Table) -> sa.Update:
    return (state_table.update().where(state_table.c.key == GENERATION_KEY)
            .values(value=sa.bindparam("stamp")))
