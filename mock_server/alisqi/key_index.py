"""An index on the value a keyed storeResults looks its results up by.

A storeResults with ``keyField`` first finds the set's results that hold the
submitted keys (``api_store.Store._keys``). Without an index SQLite read the
JSON of every result of the results table for it, inside the set's lock: about
3 ms for 20 keys at 13,000 results, growing with every result stored. The
first keyed call on a field creates an index on ``(<the string under the
field>, set_id)``, the very expression the lookup selects by
(``json_sql.text_at``), and the lookup then reads only the matching rows (0.02
ms). Every later insert pays for the index (about 1 us a result on SQLite).
The key comes first so that no other query can use the index: with ``set_id``
first, SQLite took it (it has no statistics yet) for a page ordered by date and
sorted the whole set, instead of walking ``(set_id, date)``.

The key fields are the installation's own, chosen by each call, so the indexes
are made on first use, not declared with the tables. Each process checks once
per field whether the index exists and creates it only when missing, in a
transaction of its own before the call's: on PostgreSQL even ``CREATE INDEX IF
NOT EXISTS`` takes a share lock on the table (as ``Storage.create_all`` notes).
An index that cannot be made (the engine refuses it) leaves the lookup as it
was: correct, and slower.
"""

from __future__ import annotations

import hashlib
import logging

import sqlalchemy as sa

from ..core.storage import Storage
from . import json_sql

log = logging.getLogger(__name__)


def index_name(storage: Storage, field: str) -> str:
    """The index's name: the field's own name need not be an identifier."""
    digest = hashlib.sha256(field.encode("utf-8")).hexdigest()[:16]
    return f"{storage['results'].name}_key_{digest}"


def ensure(storage: Storage, field: str) -> bool:
    """Whether results are indexed by the string under ``field``, creating the index on the
    first call in this process."""
    return bool(storage.keep(("alisqi.key_index", field), lambda: _create(storage, field),
                             group="alisqi.key_indexes"))


def _create(storage: Storage, field: str) -> bool:
    dialect = storage.engine.dialect
    at_key = json_sql.text_at(json_sql.document(sa.column("values", sa.Text), dialect),
                              field, dialect)
    if at_key is None:
        return False
    table = storage["results"].name
    name = index_name(storage, field)
    quote = dialect.identifier_preparer.quote
    expression = at_key.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    try:
        with storage.begin_bookkeeping() as connection:
            if name not in storage.index_names(connection):
                connection.exec_driver_sql(
                    f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
                    f"(({expression}), {quote('set_id')})")
    except sa.exc.DBAPIError as error:
        log.warning("no index on results by %r: %s", field, error)
        return False
    return True

