"""Storage: one SQLAlchemy Core engine and MetaData per system.

SQLite is the default (a file in the user's data directory, in WAL mode so
readers never block the writer and an acknowledged write survives a kill of
the process); ``sqlite:///:memory:`` serves tests; any other SQLAlchemy URL
(PostgreSQL for a team's shared mock) works unchanged. Table names carry the
system's name as a prefix so several systems can share one database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex

from .driver_sql import DriverStatement
from .timefmt import parse_iso, to_naive_utc
from .writer_turns import writer_turns

Seeder = Callable[[Connection, "Storage"], None]
T = TypeVar("T")
#: what ``Storage.keep`` keeps per database; past this it starts again (a caller passing
#: new keys each time empties it rather than growing it without end)
MAX_KEPT = 2048
#: SQLite's page cache per connection of a database file, in KiB (SQLite's default is
#: 2,000). Every pooled connection of every system keeps its own copy of pages the OS
#: caches anyway; serving all five systems at the default, a worker ended the
#: benchmark's mixes 10-12 MB larger (malloc's heap, fragmented by the churn of cached
#: pages), and list requests in-process took no longer at 512.
SQLITE_CACHE_KIB = 512


def engine_url(url: str) -> str:
    """``postgresql://`` (and ``postgres://``) mean psycopg 3, the driver the extra installs.

    SQLAlchemy's default for a bare ``postgresql://`` is psycopg2, which
    apidouble does not depend on.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_memory_sqlite(url: str) -> bool:
    return url.startswith("sqlite") and (":memory:" in url or url in ("sqlite://", "sqlite:///"))


def make_engine(url: str) -> Engine:
    url = engine_url(url)
    if url.startswith("sqlite"):
        memory = is_memory_sqlite(url)
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if memory else None,
        )
        pragmas = MEMORY_PRAGMAS if memory else FILE_PRAGMAS
        sa.event.listen(engine, "connect",
                        lambda dbapi_connection, _record: _run_pragmas(dbapi_connection, pragmas))
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


#: every SQLite connection's settings; an in-memory database lives in its page cache,
#: whose size is left alone
MEMORY_PRAGMAS = ("PRAGMA foreign_keys=ON",)
FILE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", *MEMORY_PRAGMAS,
                f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")


def _run_pragmas(dbapi_connection: Any, pragmas: tuple[str, ...]) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in pragmas:
        cursor.execute(pragma)
    cursor.close()


class Storage:
    """A system's tables, its engine, and the core's own bookkeeping tables."""

    def __init__(self, url: str, system: str) -> None:
        self.url = url
        self.system = system
        self.engine = make_engine(url)
        # An in-memory database is one sqlite3 connection shared by every thread
        # (StaticPool); sqlite3 objects are not safe for concurrent use, so
        # threads take turns. A file or server database needs no such lock.
        self._turns: threading.RLock | None = threading.RLock() if is_memory_sqlite(url) else None
        # A SQLite file's writers queue instead of polling SQLite's lock (writer_turns).
        database = self.engine.url.database
        self._writers = (writer_turns(database) if self.engine.dialect.name == "sqlite"
                         and self._turns is None and database else None)
        self.metadata = sa.MetaData()
        self.tables: dict[str, sa.Table] = {}
        #: called inside every ``begin()`` transaction, e.g. to invalidate cached pages
        self.on_write: Callable[[Connection], None] | None = None
        #: ``keep``'s groups: key -> what was built for it
        self._kept: dict[str, dict[Hashable, Any]] = {}

    def table(self, name: str, *columns: Any, **kwargs: Any) -> sa.Table:
        """Declare a table; its SQL name is ``<system>_<name>``."""
        table = sa.Table(f"{self.system}_{name}", self.metadata, *columns, **kwargs)
        self.tables[name] = table
        return table

    def safe_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def __getitem__(self, name: str) -> sa.Table:
        return self.tables[name]

    def create_all(self) -> None:
        """Create the missing tables, and the indexes a newer version added to existing
        ones (``create_all`` leaves an existing table's indexes alone).

        Only a missing index is created: on PostgreSQL even ``CREATE INDEX IF NOT
        EXISTS`` takes a share lock on its table, and a worker starting while others
        serve writes would deadlock with them."""
        with self._turn(), self.engine.begin() as connection:
            self.metadata.create_all(connection)
            existing = self.index_names(connection)
            for table in self.metadata.sorted_tables:
                for index in table.indexes:
                    if index.name not in existing:
                        connection.execute(CreateIndex(index, if_not_exists=True))

    def index_names(self, connection: Connection) -> set[str]:
        """The names of the indexes the database has on this system's tables, those on
        expressions included (a system may make some as it goes: AlisQI's key indexes),
        which SQLAlchemy's SQLite reflection skips with a warning."""
        names = [table.name for table in self.metadata.sorted_tables]
        if connection.dialect.name == "sqlite":
            listed = sa.text("SELECT name FROM sqlite_master WHERE type = 'index' "
                             "AND tbl_name IN :names").bindparams(
                sa.bindparam("names", expanding=True))
            return {row[0] for row in connection.execute(listed, {"names": names})}
        found = sa.inspect(connection).get_multi_indexes(filter_names=names)
        return {index["name"] for indexes in found.values() for index in indexes
                if index["name"] is not None}

    def analyze(self, connection: Connection, tables: Iterable[sa.Table]) -> None:
        """Give the query planner statistics of ``tables`` (``ANALYZE``).

        Called when their rows change wholesale: after a seed and after a data file.
        Without statistics SQLite takes every index as selective: Alemba's search
        walked the partition index (whose three values all 400 calls share) and
        sorted, 360 us, where a scan in key order stops after its page, 87 us.
        """
        if connection.dialect.name not in ("sqlite", "postgresql"):
            return
        quote = connection.dialect.identifier_preparer.quote
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {quote(table.name)}")

    def drop_all(self) -> None:
        with self._turn():
            self.metadata.drop_all(self.engine)

    def _turn(self) -> AbstractContextManager[Any]:
        return self._turns if self._turns is not None else nullcontext()

    def _write_turn(self) -> AbstractContextManager[Any]:
        if self._writers is not None:
            return self._writers.turn()
        return self._turn()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction on the system's data; it tells ``on_write`` before committing."""
        with self._write_turn(), self.engine.begin() as connection:
            yield connection
            if self.on_write is not None:
                self.on_write(connection)

    @contextmanager
    def begin_bookkeeping(self) -> Iterator[Connection]:
        """A write transaction that changes no data a response shows (logs, counters, ...)."""
        with self._write_turn(), self.engine.begin() as connection:
            yield connection

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._turn(), self.engine.connect() as connection:
            yield connection

    def first_row(self, sql: str) -> tuple[Any, ...] | None:
        """The first row of a constant SQL statement (no parameters), read through the
        driver itself: no statement compiling, cache keys or result objects. For the
        small reads every request makes (a quarter of the time of ``connect`` + execute)."""
        with self._turn():
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                try:
                    cursor.execute(sql)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            finally:
                raw.close()  # back to the pool, rolled back like ``connect``'s
        return None if row is None else tuple(row)

    def keep(self, key: Hashable, build: Callable[[], T], *, group: str = "statements",
             limit: int = MAX_KEPT) -> T:
        """``build()``'s result, made once per ``key`` for this database and kept: the one
        place statements, and what a system builds with them for a shape of request, are
        kept. The key must say everything the result depends on. Each ``group`` holds at
        most ``limit`` results and starts again past it, so that a client sending new
        shapes each time bounds its own group's memory and empties no other group."""
        kept = self._kept.get(group)
        if kept is None:
            kept = self._kept.setdefault(group, {})
        found = kept.get(key)
        if found is None:
            found = build()
            if len(kept) >= limit:
                kept.clear()
            kept[key] = found
        return found  # type: ignore[no-any-return]

    def driver(self, build: Callable[..., Any], *args: Hashable,
               column_keys: Sequence[str] | None = None) -> DriverStatement:
        """``build(*args)``'s statement compiled once for this database, to run on the driver
        (:mod:`.driver_sql`). ``build`` is kept by its code and ``args``, so it must not close
        over anything that changes (a closure is refused): what differs goes in ``args``."""
        if getattr(build, "__closure__", None):
            raise ValueError(f"{build.__qualname__} closes over variables: pass them as args")
        key = (build.__code__, args, tuple(column_keys or ()))
        return self.keep(key, lambda: DriverStatement(build(*args), self.engine.dialect,
                                                      column_keys))

    def driver_of(self, statement: sa.Executable) -> DriverStatement:
        """A statement the caller built once and keeps (it is its own key), on the driver."""
        return self.driver(_itself, statement)

    def load_rows(self, connection: Connection, data: Mapping[str, Sequence[dict]]) -> None:
        """Insert fixture rows (JSON-shaped) table by table, converting dates."""
        for name, rows in data.items():
            if not rows:
                continue
            table = self.tables[name]
            converted = [_convert_row(table, row) for row in rows]
            connection.execute(table.insert(), converted)
        advance_sequences(connection, [self.tables[name] for name in data])

    def dispose(self) -> None:
        self.engine.dispose()


def _itself(statement: sa.Executable) -> sa.Executable:
    return statement


def _convert_row(table: sa.Table, row: dict) -> dict:
    out = {}
    for key, value in row.items():
        column = table.c[key]
        if isinstance(value, str) and isinstance(column.type, sa.DateTime):
            value = to_naive_utc(parse_iso(value))
        elif isinstance(value, str) and isinstance(column.type, sa.Date):
            value = date.fromisoformat(value)
        out[key] = value
    return out


def advance_sequences(connection: Connection, tables: Sequence[sa.Table]) -> None:
    """PostgreSQL keeps serial sequences apart from explicit ids: move them past the fixtures."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
            connection.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def utc_datetime(value: datetime | None) -> datetime | None:
    """A naive UTC datetime read back from the database, made aware."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
