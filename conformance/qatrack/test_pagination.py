"""QT-08: limit/offset pages; next and previous; default page sizes."""

from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlsplit

import pytest

from apidouble.conformance.qatrack._api import Api, is_absolute
from apidouble.conformance.target import Target

#: lists to page through with a unique ordering, by preference (the first with 3 records)
CANDIDATES = [("/api/qa/testlists/", "slug"), ("/api/units/units/", "number"),
              ("/api/qa/tests/", "id")]


def _paged_list(api: Api) -> tuple[str, str, int]:
    for path, ordering in CANDIDATES:
        count = api.json(path, "QT-08", params={"limit": 1})["count"]
        if count >= 3:
            return path, ordering, count
    pytest.skip("not checkable: no list holds 3 records")


@pytest.mark.rule("QT-08")
def test_following_next_visits_every_record_once(api: Api) -> None:
    path, ordering, count = _paged_list(api)
    limit = max(2, math.ceil(count / 6))
    seen: list[str] = []
    for pages, page in enumerate(api.pages(path, "QT-08", limit=limit, ordering=ordering), 1):
        assert list(page)[:4] == ["count", "next", "previous", "results"], (
            f"QT-08: page keys {list(page)}")
        assert page["count"] == count, f"QT-08: count changed from {count} to {page['count']}"
        assert len(page["results"]) <= limit, f"QT-08: a page of {len(page['results'])} > {limit}"
        for link in (page["next"], page["previous"]):
            assert link is None or is_absolute(link), f"QT-08: {link!r} is not an absolute URL"
        seen += [item["url"] for item in page["results"]]
        assert pages <= count, "QT-08: next never ends"
    assert len(seen) == count, f"QT-08: following next gave {len(seen)} of {count} records"
    assert len(set(seen)) == count, "QT-08: following next repeated records"


@pytest.mark.rule("QT-08")
def test_previous_returns_to_the_first_page(target: Target, api: Api) -> None:
    path, ordering, _ = _paged_list(api)
    first = api.json(path, "QT-08", params={"limit": 2, "ordering": ordering})
    assert first["previous"] is None, f"QT-08: the first page's previous is {first['previous']!r}"
    assert first["next"], "QT-08: a first page of 2 out of 3 or more has no next"
    second = api.json(first["next"], "QT-08")
    assert second["previous"], "QT-08: the second page has no previous"
    back = api.json(second["previous"], "QT-08")
    assert [r["url"] for r in back["results"]] == [r["url"] for r in first["results"]], (
        "QT-08: previous of the second page is not the first page")
    if target.is_mock:
        # The real server's exact links: parameters sorted, limit kept, offset 0 dropped.
        query = urlsplit(first["next"]).query
        assert query == f"limit=2&offset=2&ordering={ordering}", f"QT-08: next query is {query!r}"
        assert "offset" not in dict(parse_qsl(urlsplit(second["previous"]).query)), (
            "QT-08: previous keeps offset=0")


@pytest.mark.rule("QT-08")
def test_offset_past_the_end_is_empty(api: Api) -> None:
    path, _, count = _paged_list(api)
    page = api.json(path, "QT-08", params={"limit": 5, "offset": count + 10})
    assert page["results"] == [], "QT-08: an offset past the end still returns records"
    assert page["next"] is None, "QT-08: an offset past the end has a next page"


@pytest.mark.rule("QT-08")
@pytest.mark.parametrize(("path", "size"), [("/api/units/units/", 100),
                                            ("/api/qa/tests/", 100),
                                            ("/api/qa/unittestcollections/", 10),
                                            ("/api/qa/testlistinstances/", 10)])
def test_default_page_size(api: Api, path: str, size: int) -> None:
    page = api.json(path, "QT-08")
    assert len(page["results"]) == min(page["count"], size), (
        f"QT-08: {path} gave {len(page['results'])} of {page['count']} by default, not {size}")
    if page["count"] > size:
        assert dict(parse_qsl(urlsplit(page["next"]).query)).get("limit") == str(size), (
            f"QT-08: {path} next is {page['next']!r}")
    bad = api.json(path, "QT-08", params={"limit": "zero"})
    assert len(bad["results"]) == len(page["results"]), (
        f"QT-08: {path}?limit=zero does not fall back to the default page size")
