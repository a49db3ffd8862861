"""A page's links are read in one driver statement per 1,024 ids, in the table's order."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from apidouble.mock_server.core import Config, current_core
from apidouble.mock_server.qatrack import serialize
from apidouble.mock_server.qatrack.registry import RESOURCES
from apidouble.mock_server.systems import create_app


def test_grouped_matches_sqlalchemy_over_several_chunks() -> None:
    app = create_app("qatrack", Config(db_url="sqlite:///:memory:"))
    with app.test_request_context("/api/qa/testlists/"):
        storage = current_core().storage
        table = storage["testlistmemberships"]  # has an "order" column
        with storage.connect() as connection:
            owners = sorted({row[0] for row in connection.execute(sa.select(table.c.test_list_id))})
            ids = [*range(10_000, 10_000 + 2 * serialize.GROUPED_CHUNK), *owners]
            expected: dict[int, list[int]] = defaultdict(list)
            for owner, target in connection.execute(
                    sa.select(table.c.test_list_id, table.c.test_id)
                    .where(table.c.test_list_id.in_(ids)).order_by(table.c.order, table.c.id)):
                expected[owner].append(target)
            found = serialize.Serializer(connection, RESOURCES["qa/testlists"]).grouped(
                table, "test_list_id", "test_id", ids)
    assert len(owners) > 1 and sum(map(len, expected.values())) > len(owners)
    assert found == expected
