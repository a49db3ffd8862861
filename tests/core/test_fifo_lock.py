"""The lock of the request turns goes to waiting threads in arrival order (core/fifo_lock.py).

That it excludes is checked through the request turns (test_request_turns.py)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable

import pytest

from apidouble.mock_server.core.fifo_lock import FifoLock


def wait_until(condition: Callable[[], bool], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def wait_for_waiters(lock: FifoLock, count: int) -> None:
    wait_until(lambda: lock.waiting() == count)


def test_waiting_threads_get_the_lock_in_arrival_order_and_nobody_overtakes() -> None:
    lock = FifoLock()
    order: list[str] = []

    def takes(name: str) -> None:
        with lock:
            order.append(name)

    lock.acquire()
    threads = []
    for number, name in enumerate(("first", "second", "third"), start=1):
        thread = threading.Thread(target=takes, args=(name,))
        thread.start()
        threads.append(thread)
        wait_for_waiters(lock, number)
    lock.release()
    lock.acquire()  # the holder asks again at once (a plain lock lets it in first)
    order.append("holder again")
    lock.release()
    for thread in threads:
        thread.join(timeout=5)
    assert order == ["first", "second", "third", "holder again"]
    assert lock.waiting() == 0
    lock.acquire()  # free again once nobody waits: does not block
    lock.release()


def test_releasing_an_unheld_lock_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        FifoLock().release()


class Interrupted(Exception):
    pass


def test_a_waiter_interrupted_by_a_signal_leaves_the_queue_and_the_lock_goes_on() -> None:
    lock = FifoLock()
    lock.acquire()  # held, as by another request

    def interrupt(*_args: object) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(Interrupted):
            lock.acquire()  # waits behind the holder until the alarm interrupts it
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert lock.waiting() == 0
    later = threading.Thread(target=lambda: (lock.acquire(), lock.release()))
    later.start()
    wait_for_waiters(lock, 1)
    lock.release()  # to the thread still waiting, not to the one that gave up
    later.join(timeout=5)
    assert not later.is_alive()
    lock.acquire()  # and free again after it
    lock.release()
