"""The database under many threads: in memory (what tests and ``--db memory`` use) and a file.

StaticPool hands every thread the one sqlite3 connection; without taking turns,
concurrent requests corrupt its state (``SystemError`` from ``rollback``)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from apidouble.mock_server.core.storage import Storage


@pytest.mark.parametrize("where", ["memory", "file"])
def test_threads_share_the_database_safely(tmp_path: Path, where: str) -> None:
    """Eight threads each read the count and write it plus one, inside one transaction:
    on the in-memory database threads take turns on the one connection; on a file the
    writers take turns (core/writer_turns.py), since pysqlite opens the transaction only
    at the first write and two threads would otherwise read the same count."""
    url = "sqlite:///:memory:" if where == "memory" else f"sqlite:///{tmp_path / 'data.db'}"
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
    if where == "file":
        assert Path(str(tmp_path / "data.db") + ".writers").exists()
