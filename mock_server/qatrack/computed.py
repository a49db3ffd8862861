"""Fields that are not columns: a unit test collection's current list, a performed
instance's nested test instances, attachments and comments, an attachment's file URL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request

from ..core.driver_sql import in_list
from . import dates, links
from .serialize import Serializer, by_owner, computed_field, owned_rows

TLI = "qa/testlistinstances"
TI = "qa/testinstances"
UTC = "qa/unittestcollections"


def cycle_lists(serializer: Serializer, collection_ids: list[int]) -> dict[int, list[int]]:
    """The test lists of each collection's cycle, in day order (a page's in one statement)."""
    storage = serializer.storage
    return by_owner(serializer.for_ids(_cycle_members, storage["unittestcollections"],
                                       storage["testlistcyclememberships"],
                                       ids=collection_ids))


def _cycle_members(collections: sa.Table, members: sa.Table, size: int) -> sa.Select:
    """(collection id, test list id) of the cycles of ``size`` bound collections."""
    return (sa.select(collections.c.id, members.c.test_list_id)
            .join_from(collections, members,
                       members.c.cycle_id == collections.c.test_list_cycle_id)
            .where(in_list(collections.c.id, "owner", size))
            .order_by(members.c.order, members.c.id))


@computed_field(UTC, "tests_object")
def tests_object(serializer: Serializer, row: Any) -> str | None:
    if row.test_list_cycle_id is not None:
        return links.link("qa/testlistcycles", row.test_list_cycle_id)
    return links.link("qa/testlists", row.test_list_id)


@computed_field(UTC, "next_test_list")
def next_test_list(serializer: Serializer, row: Any) -> str | None:
    if row.test_list_cycle_id is None:
        return links.link("qa/testlists", row.test_list_id)
    lists = serializer.batched("cycle_lists", row.id,
                               lambda ids: cycle_lists(serializer, ids))
    if not lists:
        return None
    return links.link("qa/testlists", lists[(row.next_day or 0) % len(lists)])


def session_url(tli_id: int) -> str:
    """3.1.1 writes the page of a performed list as a path: ``/qc/session/details/<id>/``."""
    return f"{request.script_root}/qc/session/details/{tli_id}/"


@computed_field(TLI, "site_url")
def site_url(serializer: Serializer, row: Any) -> str:
    return session_url(row.id)


@computed_field(TI, "json_value")
def json_value(serializer: Serializer, row: Any) -> Any:
    return None  # only tests of a JSON type carry one; the mock has none


@computed_field(TI, "attachments")
def ti_attachments(serializer: Serializer, row: Any) -> list[str | None]:
    table = serializer.storage["attachments"]

    def fetch(ids: list[int]) -> dict[int, list[int]]:
        return serializer.grouped(table, "testinstance_id", "id", ids)

    return [serializer.link("attachments/attachments", pk)
            for pk in serializer.batched("ti_attachments", row.id, fetch)]


@computed_field(TLI, "test_instances")
def test_instances(serializer: Serializer, row: Any) -> list[dict[str, Any]]:
    return _nested(serializer, row, "qa/testinstances", "test_list_instance_id",
                   ("order", "id"))


@computed_field(TLI, "attachments")
def tli_attachments(serializer: Serializer, row: Any) -> list[dict[str, Any]]:
    return _nested(serializer, row, "attachments/attachments", "testlistinstance_id", ("id",))


def _nested(serializer: Serializer, row: Any, key: str, owner: str,
            order: tuple[str, ...]) -> list[dict[str, Any]]:
    """The records of resource ``key`` whose ``owner`` is the row, nested in ``order``: for
    a page, one statement and one nested serializer for all of them (so a nested test
    instance's own attachments are one statement too)."""
    def fetch(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        from .registry import RESOURCES

        table = serializer.storage[RESOURCES[key].table]
        rows = serializer.for_ids(owned_rows, table, owner, order, ids=ids)
        shown = serializer.nested(key, rows)
        return by_owner(zip((getattr(r, owner) for r in rows), shown, strict=True))

    return list(serializer.batched(key, row.id, fetch))


@computed_field(TLI, "comments")
def tli_comments(serializer: Serializer, row: Any) -> list[dict[str, Any]]:
    """3.1.1's nested comments: ``{"url": "", "user", "submit_date", "comment"}``."""
    return [{"url": "", "user": links.link("auth/users", c.user_id),
             "submit_date": dates.render(c.submit_date), "comment": c.comment}
            for c in serializer.batched("tli_comments", row.id,
                                        lambda ids: comment_rows(serializer, ids))]


def comment_rows(serializer: Serializer, tli_ids: list[int]) -> dict[int, list[Any]]:
    """The comments on each of some performed lists, oldest first (a comment names its
    object by a text primary key)."""
    storage = serializer.storage
    wanted = {str(tli_id): tli_id for tli_id in tli_ids}
    comments = serializer.for_ids(_comments, storage["comments"], storage["contenttypes"],
                                  ids=list(wanted))
    return by_owner((wanted[comment.object_pk], comment) for comment in comments)


def _comments(table: sa.Table, types: sa.Table, size: int) -> sa.Select:
    """The comments on ``size`` bound performed lists (their primary keys as text)."""
    kind = sa.select(types.c.id).where(types.c.app_label == "qa",
                                       types.c.model == "testlistinstance")
    return (sa.select(table).where(table.c.content_type_id.in_(kind),
                                   in_list(table.c.object_pk, "owner", size))
            .order_by(table.c.submit_date, table.c.id))


@computed_field("attachments/attachments", "attachment")
def attachment_url(serializer: Serializer, row: Any) -> str:
    return media_url(row.id, row.filename or "attachment")


def media_url(attachment_id: int, filename: str) -> str:
    from urllib.parse import quote

    return f"{links.base()}/media/uploads/attachments/{attachment_id}/{quote(filename)}"
