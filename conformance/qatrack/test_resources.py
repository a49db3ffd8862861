"""QT-06 and QT-07: units and the QA resources, list and detail, hyperlinked."""

from __future__ import annotations

import pytest

from apidouble.conformance.qatrack._api import Api, detail_pattern, is_absolute
from apidouble.conformance.target import Target

UNIT_FIELDS = {"active", "date_acceptance", "install_date", "is_serviceable", "location",
               "modalities", "name", "number", "restricted", "serial_number", "site", "type",
               "url"}
TESTLIST_FIELDS = {"created", "created_by", "description", "javascript", "modified",
                   "modified_by", "name", "slug", "tests", "url", "warning_message"}


@pytest.mark.rule("QT-06")
def test_units_are_hyperlinked(api: Api) -> None:
    page = api.json("/api/units/units/", "QT-06")
    assert set(page) >= {"count", "next", "previous", "results"}, f"QT-06: page keys {list(page)}"
    if not page["results"]:
        pytest.skip("not checkable: the server has no units")
    for unit in page["results"]:
        missing = UNIT_FIELDS - set(unit)
        assert not missing, f"QT-06: unit {unit.get('url')} lacks {sorted(missing)}"
        assert detail_pattern("units", "units").match(unit["url"]), (
            f"QT-06: unit url {unit['url']!r} is not an absolute unit link")
        assert detail_pattern("units", "unittypes").match(unit["type"] or ""), (
            f"QT-06: unit type {unit['type']!r} is not an absolute unit type link")
        assert unit["site"] is None or detail_pattern("units", "sites").match(unit["site"]), (
            f"QT-06: unit site {unit['site']!r} is not an absolute site link")
        assert all(detail_pattern("units", "modalities").match(m) for m in unit["modalities"]), (
            f"QT-06: unit modalities {unit['modalities']!r} are not absolute modality links")


@pytest.mark.rule("QT-06")
def test_unit_detail_and_its_links_resolve(api: Api) -> None:
    units = api.json("/api/units/units/", "QT-06", params={"limit": 3})["results"]
    if not units:
        pytest.skip("not checkable: the server has no units")
    unit = units[0]
    detail = api.json(unit["url"], "QT-06")
    differs = sorted(k for k in unit if detail.get(k) != unit[k])
    assert not differs, f"QT-06: {unit['url']} differs from its list entry in {differs}"
    for link in [unit["type"], unit["site"], *unit["modalities"]]:
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
        missing = TESTLIST_FIELDS - set(detail)
        assert not missing, f"QT-07: test list {first['url']} lacks {sorted(missing)}"
        assert all(detail_pattern("qa", "tests").match(t) for t in detail["tests"]), (
            f"QT-07: test list tests {detail['tests'][:2]} are not absolute test links")


@pytest.mark.rule("QT-07")
def test_qa_and_qc_mounts_both_serve(target: Target, api: Api) -> None:
    qa = api.json("/api/qa/testlists/", "QT-07", params={"limit": 1})
    if target.is_mock or api.get("/api/qc/testlists/", params={"limit": 1}).status_code != 404:
        qc = api.json("/api/qc/testlists/", "QT-07", params={"limit": 1})
        assert qc["count"] == qa["count"], "QT-07: /api/qc/ and /api/qa/ list different test lists"
    for url in (qa["results"][0]["url"],) if qa["results"] else ():
        assert is_absolute(url), f"QT-07: {url!r} is not absolute"
