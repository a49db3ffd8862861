"""Writers of one SQLite file take turns across threads and processes (core/writer_turns.py)."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
from pathlib import Path

import sqlalchemy as sa

from apidouble.mock_server.core.storage import Storage
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


def test_read_then_write_transactions_of_a_file_database_lose_nothing(tmp_path: Path) -> None:
    """pysqlite opens the transaction at the first write, so without turns two of these
    read the same count and one increment is lost."""
    workers = 4
    url = f"sqlite:///{tmp_path / 'data.db'}"
    storage = Storage(url, "t")
    counter = storage.table("counter", sa.Column("id", sa.Integer, primary_key=True),
                            sa.Column("n", sa.Integer, nullable=False))
    storage.create_all()
    with storage.begin() as connection:
        connection.execute(counter.insert(), [{"id": 1, "n": 0}])
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                with storage.begin() as connection:  # read, then write: a check-then-act
                    n = connection.execute(sa.select(counter.c.n)).scalar_one()
                    connection.execute(counter.update().values(n=n + 1))
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with storage.connect() as connection:
        assert connection.execute(sa.select(counter.c.n)).scalar_one() == workers * 50
    assert Path(str(tmp_path / "data.db") + ".writers").exists()
