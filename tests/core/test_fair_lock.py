"""The lock of the request turns (core/fair_lock.py): the running thread may take it
again at once, but nobody overtakes a waiter who has waited past the lock's patience.

That it excludes is checked through the request turns (test_request_turns.py)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable

import pytest

from apidouble.mock_server.core.fair_lock import FairLock


def wait_until(condition: Callable[[], bool], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def wait_for_waiters(lock: FairLock, count: int) -> None:
    wait_until(lambda: lock.waiting() == count)


def queue_up(lock: FairLock, names: tuple[str, ...], order: list[str]) -> list[threading.Thread]:
    """A thread per name, each waiting for ``lock`` (held) in turn; each notes its name
    in ``order`` once it holds the lock."""

    def takes(name: str) -> None:
        with lock:
            order.append(name)

    threads = []
    for number, name in enumerate(names, start=1):
        thread = threading.Thread(target=takes, args=(name,))
        thread.start()
        threads.append(thread)
        wait_for_waiters(lock, number)
    return threads


def join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=5)
        assert not thread.is_alive()


def test_past_its_patience_waiters_get_the_lock_in_arrival_order_and_nobody_overtakes() -> None:
    lock = FairLock(patience=0)
    order: list[str] = []
    lock.acquire()
    threads = queue_up(lock, ("first", "second", "third"), order)
    lock.release()
    lock.acquire()  # the holder asks again at once (a plain lock lets it in first)
    order.append("holder again")
    lock.release()
    join(threads)
    assert order == ["first", "second", "third", "holder again"]
    assert lock.waiting() == 0
    lock.acquire()  # free again once nobody waits: does not block
    lock.release()


def test_within_its_patience_the_holder_takes_the_lock_again_and_the_waiter_stays_first(
) -> None:
    lock = FairLock(patience=60)
    order: list[str] = []
    lock.acquire()
    threads = queue_up(lock, ("first", "second"), order)
    lock.release()
    lock.acquire()  # no thread switch: the woken waiter finds the lock taken
    wait_for_waiters(lock, 2)  # and is back in the queue, in front
    order.append("holder again")
    lock.release()
    join(threads)
    assert order == ["holder again", "first", "second"]


def test_releasing_an_unheld_lock_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        FairLock().release()


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("patience", [0, 60])
def test_a_waiter_interrupted_by_a_signal_leaves_the_queue_and_the_lock_goes_on(
        patience: float) -> None:
    lock = FairLock(patience=patience)
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
    join([later])
    lock.acquire()  # and free again after it
    lock.release()


@pytest.mark.parametrize("patience", [0, 0.0002, 0.005])
def test_many_threads_never_hold_it_together_and_none_is_left_waiting(patience: float) -> None:
    """Handing over, waking a waiter to try, being beaten and parking again at the front:
    every path runs here, and none may let two threads in or leave one parked forever."""
    lock = FairLock(patience=patience)
    state = {"inside": 0, "most": 0, "done": 0}

    def work() -> None:
        for turn in range(1000):
            with lock:
                state["inside"] += 1
                state["most"] = max(state["most"], state["inside"])
                if turn % 7 == 0:
                    time.sleep(0)  # let others arrive while it is held
                state["done"] += 1
                state["inside"] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    join(threads)
    assert state["most"] == 1
    assert state["done"] == 8000
    assert lock.waiting() == 0
