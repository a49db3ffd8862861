"""Writers of one SQLite file take turns: first come, first served, across threads and processes.

SQLite lets one writer in at a time. A writer that finds the file locked waits in
SQLite's busy handler, which sleeps on a timer (1, 2, 5, ... up to 100 ms between
tries) instead of waking when the lock is released; under steady concurrent writes
(two workers, sixteen clients) some writers lose again and again and wait seconds.
Here a writer first takes a thread lock, then an exclusive ``flock`` on a file beside
the database; the kernel wakes the next waiter the moment the holder is done, so a
write waits about as long as the writes ahead of it take.

PostgreSQL needs none of this; an in-memory database already takes turns
(``Storage._turn``). Where ``fcntl`` is missing (Windows) only threads take turns
and processes fall back on SQLite's busy handler.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class WriterTurns:
    """One writer at a time for one database file. Re-entrant within a thread: a write
    opened inside another one (bookkeeping inside a data write) does not wait for itself."""

    def __init__(self, lock_path: str) -> None:
        self.lock_path = lock_path
        self._thread_lock = threading.Lock()
        self._local = threading.local()
        # The descriptor belongs to the process that opened it: a forked worker opens its
        # own, since a flock is shared by every copy of one open file description.
        self._descriptor: tuple[int, int] | None = None  # (pid, fd)

    @contextmanager
    def turn(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth = depth
            return
        with self._thread_lock:
            fd = self._fd()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            self._local.depth = 1
            try:
                yield
            finally:
                self._local.depth = 0
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def _fd(self) -> int | None:
        if fcntl is None:
            return None
        pid = os.getpid()
        if self._descriptor is None or self._descriptor[0] != pid:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            self._descriptor = (pid, fd)
        return self._descriptor[1]


_by_path: dict[str, WriterTurns] = {}
_by_path_lock = threading.Lock()


def writer_turns(database_path: str) -> WriterTurns:
    """The turns of one database file, shared by every engine of this process that opens
    it (the five systems may share one file)."""
    key = os.path.realpath(database_path)
    with _by_path_lock:
        turns = _by_path.get(key)
        if turns is None:
            turns = _by_path[key] = WriterTurns(key + ".writers")
        return turns
