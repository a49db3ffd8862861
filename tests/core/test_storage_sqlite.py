"""How Storage sets up SQLite connections."""

from __future__ import annotations

from pathlib import Path

from apidouble.mock_server.core.storage import SQLITE_CACHE_KIB, Storage


def test_file_connections_bound_their_page_cache_in_wal_mode(tmp_path: Path) -> None:
    storage = Storage(f"sqlite:///{tmp_path / 'db.sqlite3'}", "t")
    with storage.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -SQLITE_CACHE_KIB
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_an_in_memory_database_keeps_its_whole_page_cache() -> None:
    """Its pages are the database: their number is left as SQLite sets it."""
    storage = Storage("sqlite:///:memory:", "t")
    with storage.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -2000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
