"""A lock that goes to the threads waiting for it in the order they came: first come, first served.

Why: ``threading.Lock`` is not fair. Releasing it wakes a waiting thread, but
any thread that asks before the woken one runs (often the one that just let
go, back with its next request) takes the lock first. Under load some
requests then lose again and again, and their waits make the tail of the
latency. Here ``release`` hands the lock straight to the longest waiting
thread; it is never free while someone waits, so nobody can overtake.

Handing over is not enough on its own: the woken thread also needs the GIL,
which the releasing thread keeps until it blocks or the interpreter's switch
interval (5 ms) runs out. ``release`` therefore sleeps for 0 s after a
hand-over, which lets the GIL go at once. Without that, a hand-over could
wait up to the switch interval, and writes with two gunicorn workers lost
19-36% of their rate.

Measured on the request turns of SQLite workers (``request_turns``), side by
side with a plain lock: the p99 of the Locust mixes with 2 workers fell by
15-45%. Granian's throughput held or rose; gunicorn's mixes lost 3-8% and its
writes 5-13% (``docs/benchmarks.md``).
"""

from __future__ import annotations

import threading
import time
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
        try:
            parked.acquire()  # released by ``release``: the lock is now this thread's
        except BaseException:  # interrupted (a signal in the main thread): leave the queue
            self._give_up(parked)
            raise

    def _give_up(self, parked: threading.Lock) -> None:
        """Leave the queue; had the lock been handed over meanwhile, pass it on."""
        with self._mutex:
            if parked in self._waiting:
                self._waiting.remove(parked)
                return
        self.release()

    def release(self) -> None:
        with self._mutex:
            if not self._held:
                raise RuntimeError("release of an unheld FifoLock")
            if not self._waiting:
                self._held = False
                return
            self._waiting.popleft().release()  # still held: handed over, never free
        time.sleep(0)  # let the interpreter go to the thread just woken

    def waiting(self) -> int:
        """How many threads wait for the lock now."""
        with self._mutex:
            return len(self._waiting)

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()
