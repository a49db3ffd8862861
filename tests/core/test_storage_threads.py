"""The in-memory database (what tests and ``--db memory`` use) under many threads.

StaticPool hands every thread the one sqlite3 connection; without taking turns,
concurrent requests corrupt its state (``SystemError`` from ``rollback``)."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from apidouble.mock_server.core.storage import Storage


def test_threads_share_the_in_memory_database_safely() -> None:
    storage = Storage("sqlite:///:memory:", "t")
    counter = storage.table("counter", sa.Column("id", sa.Integer, primary_key=True),
                            sa.Column("n", sa.Integer, nullable=False))
    storage.create_all()
    with storage.begin() as connection:
        connection.execute(counter.insert(), [{"id": 1, "n": 0}])
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                with storage.begin() as connection:
                    connection.execute(counter.update().values(n=counter.c.n + 1))
                with storage.connect() as connection:
                    connection.execute(sa.select(counter.c.n)).scalar_one()
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with storage.connect() as connection:
        assert connection.execute(sa.select(counter.c.n)).scalar_one() == 8 * 50
