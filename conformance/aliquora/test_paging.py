"""Cursor pagination (AQ-26): newest first, cursor = the id to read after, each record once."""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from ._client import Aliquora, body_of, marker, seen, slug
from ._data import SampleFactory

LISTS = ["/samples", "/sample-tests", "/test-definitions", "/material-types",
         "/storage-locations", "/projects", "/clients"]


def page(api: Aliquora, path: str, **params: Any) -> dict[str, Any]:
    response = api.get(path, params=params)
    assert response.status_code == 200, f"AQ-26: GET {path}?{params} answered {seen(response)}"
    body = body_of(response)
    assert isinstance(body.get("data"), list) and isinstance(body.get("hasMore"), bool) \
        and "nextCursor" in body, f"AQ-26: GET {path} is not {{data, nextCursor, hasMore}}: " \
        f"{sorted(body)}"
    if body["hasMore"]:
        assert body["nextCursor"] is not None, f"AQ-26: GET {path} hasMore without nextCursor"
    return body


def ids(body: dict[str, Any]) -> list[Any]:
    return [item.get("id") for item in body["data"]]


@pytest.mark.rule("AQ-26")
def test_every_list_is_a_cursor_page(api: Aliquora) -> None:
    paths = list(LISTS)
    samples = api.items("/samples", limit=1)
    if samples:
        paths.append(f"/samples/{samples[0]['id']}/approvals")
    for path in paths:
        body = page(api, path, limit=1)
        assert len(body["data"]) <= 1, f"AQ-26: GET {path}?limit=1 listed {len(body['data'])}"


@pytest.mark.rule("AQ-26")
def test_newest_first_and_the_cursor_reads_after(api: Aliquora, target: Target) -> None:
    first = page(api, "/sample-tests", limit=5)
    if len(first["data"]) < 3:
        pytest.skip("not checkable: fewer than 3 sample tests are listed")
    listed = ids(first)
    assert listed == sorted(listed, reverse=True) and len(set(listed)) == len(listed), \
        f"AQ-26: a page is not newest first: ids {listed}"
    after = page(api, "/sample-tests", limit=1, cursor=listed[0])
    assert ids(after) == listed[1:2], \
        f"AQ-26: cursor={listed[0]} starts at {ids(after)}, expected {listed[1]}"
    guide = page(api, "/sample-tests", limit=1, cursor=listed[1] + 1)
    assert ids(guide) == listed[1:2], \
        f"AQ-26: cursor={listed[1] + 1} starts at {ids(guide)}, expected {listed[1]}"
    if first["hasMore"]:
        following = page(api, "/sample-tests", limit=5, cursor=first["nextCursor"])
        assert ids(following) and max(ids(following)) < min(listed), \
            f"AQ-26: the page after nextCursor {first['nextCursor']} repeats or skips back"
        if target.is_mock:  # our spec: nextCursor is the page's last id
            assert first["nextCursor"] == listed[-1], \
                f"AQ-26: nextCursor is {first['nextCursor']}, expected {listed[-1]}"


@pytest.mark.rule("AQ-26")
def test_default_and_maximum_page_size(api: Aliquora, target: Target) -> None:
    for params, size in (({}, 50), ({"limit": 500}, 500)):
        body = page(api, "/sample-tests", **params)
        count = len(body["data"])
        assert count <= size and (count == size or not body["hasMore"]), \
            f"AQ-26: ?{params} listed {count} records with hasMore {body['hasMore']}, " \
            f"expected {size} per page"
    response = api.get("/sample-tests", params={"limit": 501})
    if target.is_mock:  # our choice 1: rejected, not clamped
        assert response.status_code == 400 and slug(response) == "invalid_body", \
            f"AQ-26: limit=501 answered {seen(response)}, expected 400 invalid_body"
    elif response.status_code != 400:
        count = len(body_of(response).get("data") or [])
        assert response.status_code == 200 and count <= 500, \
            f"AQ-26: limit=501 answered {response.status_code} with {count} records"


def walk(api: Aliquora, path: str, limit: int, pages: int, **params: Any) -> list[Any]:
    """Ids visited following nextCursor (at most ``pages`` pages)."""
    visited: list[Any] = []
    for _ in range(pages):
        body = page(api, path, limit=limit, **params)
        visited += ids(body)
        if not body["hasMore"]:
            break
        params["cursor"] = body["nextCursor"]
    return visited


@pytest.mark.rule("AQ-26")
def test_following_next_cursor_visits_each_record_once(api: Aliquora) -> None:
    top = ids(page(api, "/samples", limit=1))
    if not top:
        pytest.skip("not checkable: the organisation lists no samples")
    start = top[0] + 1  # from a fixed cursor, so records added meanwhile do not shift pages
    visited = walk(api, "/samples", 4, 5, cursor=start)
    at_once = ids(page(api, "/samples", limit=20, cursor=start))
    assert visited == at_once, \
        f"AQ-26: 5 pages of 4 visited {visited}, one page of 20 lists {at_once}"


@pytest.mark.rule("AQ-26")
def test_paging_while_records_are_added(api: Aliquora, make_sample: SampleFactory) -> None:
    api.target.need_writes()
    tag = marker()
    created = api.post("/projects", json={"name": f"Paging {tag}",
                                          "code": "AD-" + tag[-8:].upper()})
    assert created.status_code in (200, 201), \
        f"AQ-26: setup failed, POST /projects answered {seen(created)}"
    project_id = body_of(created)["id"]
    original = [make_sample(tests=0, fetch_tests=False, projectId=project_id).id for _ in range(5)]
    params: dict[str, Any] = {"projectId": project_id}
    visited: list[Any] = []
    for number in range(6):
        body = page(api, "/samples", limit=2, **params)
        visited += ids(body)
        if number == 0:  # records added while paging
            for _ in range(2):
                make_sample(tests=0, fetch_tests=False, projectId=project_id)
        if not body["hasMore"]:
            break
        params["cursor"] = body["nextCursor"]
    assert len(visited) == len(set(visited)), f"AQ-26: paging visited a record twice: {visited}"
    missing = set(original) - set(visited)
    assert not missing, f"AQ-26: paging while adding records skipped {sorted(missing)}"
