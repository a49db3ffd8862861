"""A database made by an older version gains the indexes a newer version declares."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from apidouble.mock_server.core.storage import Storage


def _declare(storage: Storage, *extra: sa.Index) -> None:
    storage.table("samples", sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("org", sa.Integer, nullable=False),
                  sa.Column("created_at", sa.DateTime, nullable=False), *extra)


def test_an_existing_table_gains_a_new_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data.db'}"
    older = Storage(url, "t")
    _declare(older)
    older.create_all()
    with older.begin() as connection:
        connection.execute(sa.text("INSERT INTO t_samples (id, org, created_at) "
                                   "VALUES (1, 7, '2026-01-01 00:00:00')"))
    older.dispose()

    newer = Storage(url, "t")
    _declare(newer, sa.Index("ix_t_samples_org_created", "org", "created_at"))
    newer.create_all()
    newer.create_all()  # a second start finds it there
    indexes = {ix["name"] for ix in sa.inspect(newer.engine).get_indexes("t_samples")}
    assert "ix_t_samples_org_created" in indexes
    with newer.connect() as connection:  # the data is untouched
        assert connection.execute(sa.text("SELECT count(*) FROM t_samples")).scalar() == 1
    newer.dispose()
