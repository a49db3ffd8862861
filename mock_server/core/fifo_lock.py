"""A lock that goes to the threads waiting for it in the order they came: first come, first served.

Why: ``threading.Lock`` is not fair. Releasing it wakes a waiting thread, but
any thread that asks before the woken one runs (often the one that just let
go, back with its next request) takes the lock first. Under load some
requests then lose again and again, and their waits make the tail of the
latency. Here ``release`` hands the lock straight to the longest waiting
thread; it is never free while someone waits, so nobody can overtake.

Measured on the request turns of SQLite workers (``request_turns``): the p99
of every system's Locust mix with 2 workers fell by 10-25%, with the same
throughput (``docs/benchmarks.md``).
"""

from __future__ import annotations

import threading
from collections import deque
from types import TracebackType


class FifoLock:
    """Not re-entrant, like ``threading.Lock``; used as a context manager or through
    ``acquire``/``release``."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()  # guards the two fields below, held for a moment
        self._held = False
        self._waiting: deque[threading.Lock] = deque()  # one parked lock per waiting thread

    def acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            parked = threading.Lock()
            parked.acquire()
            self._waiting.append(parked)
        parked.acquire()  # released by ``release``: the lock is now this thread's

    def release(self) -> None:
        with self._mutex:
            if not self._held:
                raise RuntimeError("release of an unheld FifoLock")
            if self._waiting:
                self._waiting.popleft().release()  # still held: handed over, never free
            else:
                self._held = False

    def waiting(self) -> int:
        """How many threads wait for the lock now."""
        with self._mutex:
            return len(self._waiting)

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()
