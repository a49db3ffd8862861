"""Statements run on the driver give what ``connection.execute`` gives, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from engines import fresh_postgres_database

from apidouble.mock_server.core.driver_sql import (
    in_list,
    in_list_size,
    in_list_values,
    inserted_id,
    row_by_id,
)
from apidouble.mock_server.core.storage import Storage


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "sqlite":
        made = _storage(f"sqlite:///{tmp_path / 'data.db'}")
        yield made
        made.dispose()
        return
    with fresh_postgres_database() as url:
        made = _storage(url)
        yield made
        made.dispose()


def _storage(url: str) -> Storage:
    made = Storage(url, "t")
    made.table("things", sa.Column("id", sa.Integer, primary_key=True),
               sa.Column("name", sa.String(20), nullable=False),
               sa.Column("seen_at", sa.DateTime), sa.Column("born", sa.Date),
               sa.Column("active", sa.Boolean, nullable=False),
               sa.Column("kind", sa.String(10), default="plain"),
               sa.Column("score", sa.Float), sa.Column("price", sa.Numeric(10, 2)))
    made.create_all()
    return made


def _by_name(storage: Storage) -> sa.Select:
    things = storage["things"]
    return (sa.select(things.c.id, things.c.name, things.c.seen_at, things.c.born,
                      things.c.active, things.c.score, things.c.price)
            .where(things.c.name == sa.bindparam("name")).order_by(things.c.id))


def _rename(storage: Storage) -> sa.Update:
    things = storage["things"]
    return (things.update().where(things.c.id == sa.bindparam("thing"))
            .values(name=sa.bindparam("new_name")))


def _in_list(storage: Storage) -> sa.Select:
    things = storage["things"]
    return sa.select(things.c.id).where(things.c.id.in_([1, 2]))


KEYS = ("name", "seen_at", "born", "active", "kind", "score", "price")


def test_values_round_trip_as_with_execute(storage: Storage) -> None:
    seen = datetime(2026, 3, 4, 5, 6, 7, 123000)
    with storage.begin() as connection:
        insert = storage.driver(inserted_id, storage["things"], column_keys=KEYS)
        new_id = insert.scalar(connection, {"name": "a", "seen_at": seen,
                                            "born": date(2020, 1, 2), "active": True,
                                            "kind": "x", "score": 1.5,
                                            "price": Decimal("2.25")})
        storage.driver(inserted_id, storage["things"], column_keys=KEYS).run_many(connection, [
            {"name": "b", "seen_at": None, "born": None, "active": False, "kind": "y",
             "score": None, "price": None},
            {"name": "b", "seen_at": seen, "born": None, "active": True, "kind": "z",
             "score": 0.1, "price": Decimal("3")}])
        # the same transaction sees its own writes, either way
        found = storage.driver(_by_name, storage).first(connection, {"name": "a"})
        expected = connection.execute(_by_name(storage), {"name": "a"}).one()
    assert found == tuple(expected)
    assert (found.id, found.seen_at, found.born, found.active) == (new_id, seen,
                                                                  date(2020, 1, 2), True)
    assert found._mapping["name"] == "a"
    assert (found.score, found.price) == (1.5, Decimal("2.25"))
    with storage.connect() as connection:
        both = storage.driver(_by_name, storage).records(connection, {"name": "b"})
        assert [tuple(r) for r in both] == [
            tuple(r) for r in connection.execute(_by_name(storage), {"name": "b"})]
        assert [r.active for r in both] == [False, True]


def _names_and_ids(storage: Storage) -> sa.Select:
    things = storage["things"]
    return sa.select(things.c.id, things.c.name).order_by(things.c.id)


def test_records_of_columns_that_need_no_conversion_are_the_rows(storage: Storage) -> None:
    with storage.begin() as connection:
        storage.driver(inserted_id, storage["things"], column_keys=KEYS).run_many(connection, [
            {"name": name, "seen_at": None, "born": None, "active": True, "kind": "x",
             "score": None, "price": None} for name in ("a", "b", "c")])
    with storage.connect() as connection:
        plain = storage.driver(_names_and_ids, storage)
        records = plain.records(connection)
        assert [tuple(r) for r in records] == [
            tuple(r) for r in connection.execute(_names_and_ids(storage))]
        assert [r.name for r in records] == ["a", "b", "c"]
        assert plain.first(connection)._mapping == {"id": records[0].id, "name": "a"}


def test_updates_count_the_rows_they_change(storage: Storage) -> None:
    with storage.begin() as connection:
        insert = storage.driver(inserted_id, storage["things"], column_keys=KEYS)
        new_id = insert.scalar(connection, {
            "name": "a", "seen_at": None, "born": None, "active": True, "kind": "x",
            "score": None, "price": None})
        rename = storage.driver(_rename, storage)
        assert rename.run(connection, {"thing": new_id, "new_name": "c"}) == 1
        assert rename.run(connection, {"thing": new_id + 100, "new_name": "d"}) == 0
        assert storage.driver(row_by_id, storage["things"]).first(
            connection, {"id": new_id}).name == "c"
    with storage.connect() as connection:
        assert storage.driver(_by_name, storage).first(connection, {"name": "c"}).id == new_id
        assert storage.driver(_by_name, storage).first(connection, {"name": "a"}) is None


def test_what_cannot_run_on_the_driver_is_refused_when_built(tmp_path: Path) -> None:
    storage = _storage(f"sqlite:///{tmp_path / 'data.db'}")
    things = storage["things"]
    with pytest.raises(ValueError, match="IN list"):
        storage.driver(_in_list, storage)
    with pytest.raises(ValueError, match="computed in Python"):  # ``kind`` has a default
        storage.driver(inserted_id, things, column_keys=("name", "active"))
    with pytest.raises(ValueError, match="closes over"):
        storage.driver(lambda: sa.select(things.c.id))
    storage.dispose()


def _unique_name(storage: Storage) -> sa.Insert:
    things = storage["things"]
    return things.insert().values(id=sa.bindparam("id"), name="n", active=True, kind="k")


def test_driver_errors_are_raised_as_sqlalchemy_raises_them(storage: Storage) -> None:
    """A caller that catches ``sa.exc.IntegrityError`` (a unique key lost to a concurrent
    write) catches it whichever way the statement ran."""
    with pytest.raises(sa.exc.IntegrityError), storage.begin() as connection:
        storage.driver(_unique_name, storage).run_many(connection, [{"id": 1}, {"id": 1}])
    with storage.connect() as connection:  # rolled back as a whole
        assert storage.driver(_by_name, storage).first(connection, {"name": "n"}) is None


def _named_among(table: sa.Table, size: int) -> sa.Select:
    return sa.select(table.c.name).where(in_list(table.c.id, "id", size)).order_by(table.c.id)


def test_lists_of_values_run_on_a_few_statements(storage: Storage) -> None:
    things = storage["things"]
    with storage.begin() as connection:
        connection.execute(things.insert(), [{"id": i, "name": f"n{i}", "active": True}
                                             for i in range(1, 8)])
    with storage.connect() as connection:
        for wanted in ([], [3], [5, 1, 99], [1, 2, 3, 4, 5]):
            read = storage.driver(_named_among, things, in_list_size(len(wanted)))
            names = [row[0] for row in read.rows(connection, in_list_values("id", wanted))]
            assert names == [f"n{i}" for i in sorted(wanted) if i < 8]
    assert [in_list_size(n) for n in (0, 1, 2, 3, 5, 17)] == [1, 1, 2, 4, 8, 32]


def test_labels_that_are_no_python_names_read_by_position(storage: Storage) -> None:
    """A search labels its columns ``__key``, ``c0``...: a record is read by position."""
    things = storage["things"]
    with storage.begin() as connection:
        connection.execute(things.insert(), [{"id": 1, "name": "n", "active": True}])
    statement = sa.select(things.c.id.label("__key"), things.c.name.label("c0"))
    with storage.connect() as connection:
        record = storage.driver_of(statement).first(connection)
    assert tuple(record) == (1, "n") and record._mapping == {"__key": 1, "c0": "n"}


def test_keep_builds_once_per_key_and_bounds_each_group(tmp_path: Path) -> None:
    storage = _storage(f"sqlite:///{tmp_path / 'data.db'}")
    built: list[str] = []

    def build(name: str) -> list[str]:
        built.append(name)
        return [name]

    first = storage.keep(("k", "a"), lambda: build("a"))
    assert storage.keep(("k", "a"), lambda: build("a")) is first and built == ["a"]
    for name in "bcdefg":
        storage.keep(("k", name), lambda n=name: build(n), group="shapes", limit=3)  # type: ignore[misc]
        assert len(storage._kept["shapes"]) <= 3
    assert storage.keep(("k", "a"), lambda: build("again")) is first  # another group's own
    storage.dispose()
