"""Writers of one SQLite file take turns across threads and processes (core/writer_turns.py)."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
from pathlib import Path

from apidouble.mock_server.core.writer_turns import writer_turns


def _try_lock(lock_path: str, answer: multiprocessing.queues.Queue[bool]) -> None:
    fd = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        answer.put(False)
    else:
        answer.put(True)
    finally:
        os.close(fd)


def test_a_writer_excludes_other_processes_and_nests_within_its_thread(tmp_path: Path) -> None:
    turns = writer_turns(str(tmp_path / "data.db"))
    assert writer_turns(str(tmp_path / "." / "data.db")) is turns  # one per file
    context = multiprocessing.get_context("spawn")
    answer: multiprocessing.queues.Queue[bool] = context.Queue()
    with turns.turn():
        with turns.turn():  # a bookkeeping write inside a data write: no self-deadlock
            pass
        process = context.Process(target=_try_lock, args=(turns.lock_path, answer))
        process.start()
        process.join(30)
        assert answer.get(timeout=5) is False  # still held after the nested turn ended
    process = context.Process(target=_try_lock, args=(turns.lock_path, answer))
    process.start()
    process.join(30)
    assert answer.get(timeout=5) is True


def test_threads_wait_for_the_writer_ahead(tmp_path: Path) -> None:
    turns = writer_turns(str(tmp_path / "data.db"))
    inside = 0
    most = 0
    guard = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        for _ in range(200):
            with turns.turn():
                with guard:
                    inside += 1
                    most = max(most, inside)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1
