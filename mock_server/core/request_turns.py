"""On SQLite, the requests of one worker take turns: one runs its Python at a time.

Why: CPython's ``sqlite3`` module lets go of the GIL around every step of a
statement, that is once per row fetched. With several request threads busy in
one worker, each row handed the interpreter to another thread and back: a
50-row Aliquora page cost about 100 context switches per request with eight
threads against one with a single thread, used 2.5 times the CPU, and a worker
served 40-50% fewer list requests per second (``docs/benchmarks.md``). SQLite's
work is CPU work in this very process, so running one request at a time loses
nothing, and the threads stay for what they are for: holding requests that
wait. PostgreSQL's waits are the network's, which threads do overlap, so an
app on PostgreSQL does not take turns (``build_app``).

The turns are a :class:`.fair_lock.FairLock`: with a plain lock a request could be
overtaken again and again, and its waits made the p99; with one that always goes
in arrival order every turn switched threads, and writes lost rate. A request may
take the turn over others' heads, but not over one that has waited 5 ms.

What does not wait for a turn:

* reading the request body, done before the turn (``bodies.read_body_first``,
  outside this wrapper), so a slow upload holds no one up;
* the server writing the response, after the turn;
* a fault's delay (``released``), so a delayed request never delays others.

One set of turns per process: every system's app in a worker shares the
interpreter. A request already in its turn (an app calling another in the same
thread) does not wait for itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .fair_lock import FairLock

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class RequestTurns:
    def __init__(self) -> None:
        self._lock = FairLock()  # nobody overtaken for long: a plain lock let requests starve
        self._local = threading.local()

    def wrap(self, wsgi_app: WSGIApplication) -> WSGIApplication:
        """``wsgi_app``, called in turns."""

        def in_turn(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
            if self.holding():
                return wsgi_app(environ, start_response)
            with self._lock:
                self._local.holding = True
                try:
                    return wsgi_app(environ, start_response)
                finally:
                    self._local.holding = False

        in_turn.takes_turns = True  # type: ignore[attr-defined]
        in_turn.__wrapped__ = wsgi_app  # type: ignore[attr-defined]
        return in_turn

    def holding(self) -> bool:
        return bool(getattr(self._local, "holding", False))

    @contextmanager
    def released(self) -> Iterator[None]:
        """Give the turn up while this block waits (a fault's delay); take it back after."""
        if not self.holding():
            yield
            return
        self._local.holding = False
        self._lock.release()
        try:
            yield
        finally:
            self._lock.acquire()
            self._local.holding = True


#: the turns of this process
TURNS = RequestTurns()
