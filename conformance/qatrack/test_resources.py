"""QT-06 and QT-07: units and the QA resources, list and detail, hyperlinked."""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.qatrack._api import Api, detail_pattern, is_absolute
from apidouble.conformance.target import Target

#: what the real 3.1.1 server's unit list items carry (reference); held only against our mock,
#: since the guide's example unit is an illustration (it is older than 3.1: ``restricted``)
UNIT_LIST_FIELDS = ["url", "name", "number", "site", "type", "serial_number", "location",
                    "install_date", "date_acceptance", "active", "is_serviceable"]
#: unit relations the rule names: each is a hyperlink wherever the server gives it
UNIT_LINKS = {"type": "unittypes", "site": "sites", "modalities": "modalities"}
TESTLIST_FIELDS = {"created", "created_by", "description", "javascript", "modified",
                   "modified_by", "name", "slug", "tests", "url", "warning_message"}


def _assert_unit_links(unit: dict[str, Any]) -> None:
    """``url`` and every related object the server gives are absolute hyperlinks."""
    assert detail_pattern("units", "units").match(unit.get("url") or ""), (
        f"QT-06: unit url {unit.get('url')!r} is not an absolute unit link")
    for name, resource in UNIT_LINKS.items():
        value = unit.get(name)
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v is not None and not detail_pattern("units", resource)
               .match(str(v))]
        assert not bad, f"QT-06: unit {name} {bad!r} is not an absolute {resource} link"


@pytest.mark.rule("QT-06")
def test_units_are_hyperlinked(target: Target, api: Api) -> None:
    page = api.json("/api/units/units/", "QT-06")
    assert set(page) >= {"count", "next", "previous", "results"}, f"QT-06: page keys {list(page)}"
    if not page["results"]:
        pytest.skip("not checkable: the server has no units")
    for unit in page["results"]:
        _assert_unit_links(unit)
        if target.is_mock:
            assert list(unit) == UNIT_LIST_FIELDS, f"QT-06: unit list item keys {list(unit)}"


@pytest.mark.rule("QT-06")
def test_unit_detail_and_its_links_resolve(api: Api) -> None:
    units = api.json("/api/units/units/", "QT-06", params={"limit": 3})["results"]
    if not units:
        pytest.skip("not checkable: the server has no units")
    unit = units[0]
    detail = api.json(unit["url"], "QT-06")
    differs = sorted(k for k in unit if detail.get(k) != unit[k])
    assert not differs, f"QT-06: {unit['url']} differs from its list entry in {differs}"
    _assert_unit_links(detail)
    related = [detail.get("type"), detail.get("site"), *(detail.get("modalities") or [])]
    for link in related:
        if link:
            assert api.json(link, "QT-06")["url"] == link, f"QT-06: {link} is not its own url"


QA_RESOURCES = ["testlists", "tests", "unittestcollections", "testinstances",
                "testlistinstances", "testlistcycles"]


@pytest.mark.rule("QT-07")
@pytest.mark.parametrize("resource", QA_RESOURCES)
def test_qa_resource_list_and_detail(target: Target, api: Api, resource: str) -> None:
    page = api.json(f"/api/qa/{resource}/", "QT-07", params={"limit": 2})
    assert set(page) >= {"count", "next", "previous", "results"}, (
        f"QT-07: {resource} page keys {list(page)}")
    if not page["results"]:
        pytest.skip(f"not checkable: the server has no {resource}")
    first = page["results"][0]
    assert detail_pattern("qa", resource).match(first.get("url", "")), (
        f"QT-07: {resource} url {first.get('url')!r} is not an absolute {resource} link")
    if target.is_mock:
        assert "/api/qc/" in first["url"], f"QT-07: {first['url']} does not point at /api/qc/"
    detail = api.json(first["url"], "QT-07")
    assert detail.get("url") == first["url"], f"QT-07: {first['url']} is not its own url"
    if resource == "testlists":
        if target.is_mock:  # the guide's example fields: an illustration, held only to our mock
            missing = TESTLIST_FIELDS - set(detail)
            assert not missing, f"QT-07: test list {first['url']} lacks {sorted(missing)}"
        tests = detail.get("tests") or []
        assert all(detail_pattern("qa", "tests").match(str(t)) for t in tests), (
            f"QT-07: test list tests {tests[:2]} are not absolute test links")


@pytest.mark.rule("QT-07")
def test_qa_and_qc_mounts_both_serve(target: Target, api: Api) -> None:
    qa = api.json("/api/qa/testlists/", "QT-07", params={"limit": 1})
    if target.is_mock or api.get("/api/qc/testlists/", params={"limit": 1}).status_code != 404:
        qc = api.json("/api/qc/testlists/", "QT-07", params={"limit": 1})
        assert qc["count"] == qa["count"], "QT-07: /api/qc/ and /api/qa/ list different test lists"
    for url in (qa["results"][0]["url"],) if qa["results"] else ():
        assert is_absolute(url), f"QT-07: {url!r} is not absolute"
