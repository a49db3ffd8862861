"""A lock the running thread may take again at once, unless a waiter has waited too long.

Why: ``threading.Lock`` is not fair. Releasing it wakes a waiting thread, but
any thread that asks before the woken one runs (often the one that just let go,
back with its next request) takes the lock first. Under load some requests then
lose again and again, and their waits make the tail of the latency. A lock that
always goes to the longest waiter (first come, first served) ends that, but
costs throughput: every release then switches threads, and gunicorn's writes
lost 5-13% of their rate with it.

So this lock, like Go's ``sync.Mutex``, lets a thread take the lock over the
waiters' heads (no thread switch) as long as the longest waiter has waited less
than ``patience``; past that, the lock is handed straight to the longest waiter,
never free while someone waits, so nobody overtakes it. A waiter woken to try
again and beaten to it goes back to the front of the queue.

Handing over is not enough on its own: the woken thread also needs the GIL,
which the releasing thread keeps until it blocks or the interpreter's switch
interval (5 ms) runs out. ``release`` therefore sleeps for 0 s after a
hand-over, which lets the GIL go at once.

Measured on the request turns of SQLite workers (``request_turns``), side by
side with first come, first served: ``docs/benchmarks.md``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from types import TracebackType

#: how long the longest waiter may wait before nobody may overtake it (seconds)
PATIENCE = 0.005


class _Waiter:
    """A waiting thread: parked on a lock of its own until ``release`` wakes it."""

    __slots__ = ("parked", "since", "handed")

    def __init__(self) -> None:
        self.parked = threading.Lock()
        self.parked.acquire()
        self.since = time.monotonic()
        self.handed = False  # woken as the lock's new holder, not to try again


class FairLock:
    """Not re-entrant, like ``threading.Lock``; used as a context manager or through
    ``acquire``/``release``."""

    def __init__(self, patience: float = PATIENCE) -> None:
        self.patience = patience
        self._mutex = threading.Lock()  # guards the two fields below, held for a moment
        self._held = False
        self._waiting: deque[_Waiter] = deque()

    def acquire(self) -> None:
        with self._mutex:
            if not self._held and not self._overdue():
                self._held = True
                return
            waiter = _Waiter()
            self._waiting.append(waiter)
        while True:
            try:
                waiter.parked.acquire()
            except BaseException:  # interrupted (a signal in the main thread)
                self._give_up(waiter)
                raise
            with self._mutex:
                if waiter.handed:
                    return
                if not self._held:
                    self._held = True
                    return
                self._waiting.appendleft(waiter)  # beaten to it: first again, parked again

    def release(self) -> None:
        with self._mutex:
            if not self._held:
                raise RuntimeError("release of an unheld FairLock")
            if not self._waiting:
                self._held = False
                return
            first = self._waiting.popleft()
            handed = first.handed = self._overdue(first)
            if not handed:
                self._held = False  # free: the woken waiter tries, anyone may beat it
            first.parked.release()
        if handed:
            time.sleep(0)  # let the interpreter go to the thread just handed the lock

    def _overdue(self, waiter: _Waiter | None = None) -> bool:
        """Whether ``waiter`` (the longest waiter, by default) has waited past patience."""
        if waiter is None:
            if not self._waiting:
                return False
            waiter = self._waiting[0]
        return time.monotonic() - waiter.since > self.patience

    def _give_up(self, waiter: _Waiter) -> None:
        """Leave the queue. Had the lock been handed over meanwhile, pass it on; had the
        waiter been woken to try, wake the next one in its place."""
        with self._mutex:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
                return
            if not waiter.handed:
                if not self._held and self._waiting:
                    self._waiting.popleft().parked.release()
                return
        self.release()

    def waiting(self) -> int:
        """How many threads wait for the lock now."""
        with self._mutex:
            return len(self._waiting)

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()
