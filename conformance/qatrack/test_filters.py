"""QT-09: Django-lookup filters on fields and across relations, negation, ordering."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from apidouble.conformance.qatrack._api import Api

TESTLISTS = "/api/qa/testlists/"
UNITS = "/api/units/units/"


def _some(api: Api, path: str, what: str, **params: Any) -> list[dict[str, Any]]:
    results = api.json(path, "QT-09", params={"limit": 20, **params})["results"]
    if not results:
        pytest.skip(f"not checkable: the server has no {what}")
    return results


def _infix(name: str) -> str:
    """A piece of a name that a contains filter can look for."""
    word = max(name.split(), key=len) if name.split() else name
    return word[1:-1] if len(word) > 4 else word


@pytest.mark.rule("QT-09")
def test_contains_and_icontains(api: Api) -> None:
    name = _some(api, TESTLISTS, "test lists")[0]["name"]
    piece = _infix(name)
    contains = api.everything(TESTLISTS, "QT-09", name__contains=piece, limit=100)
    assert contains, f"QT-09: name__contains={piece!r} found nothing, not even {name!r}"
    assert all(piece in t["name"] for t in contains), (
        f"QT-09: name__contains={piece!r} returned {[t['name'] for t in contains][:3]}")
    swapped = piece.swapcase()
    icontains = api.everything(TESTLISTS, "QT-09", name__icontains=swapped, limit=100)
    assert {t["url"] for t in icontains} >= {t["url"] for t in contains}, (
        f"QT-09: name__icontains={swapped!r} misses test lists name__contains found")
    assert all(piece.lower() in t["name"].lower() for t in icontains), (
        f"QT-09: name__icontains={swapped!r} returned {[t['name'] for t in icontains][:3]}")


@pytest.mark.rule("QT-09")
def test_negation(api: Api) -> None:
    name = _some(api, TESTLISTS, "test lists")[0]["name"]
    total = api.json(TESTLISTS, "QT-09", params={"limit": 1})["count"]
    exact = api.json(TESTLISTS, "QT-09", params={"limit": 1, "name": name})["count"]
    negated = api.json(TESTLISTS, "QT-09", params={"limit": 100, "name!": name})
    assert exact >= 1, f"QT-09: name={name!r} does not find that test list"
    assert negated["count"] == total - exact, (
        f"QT-09: name!={name!r} gave {negated['count']} of {total}, expected {total - exact}")
    assert all(t["name"] != name for t in negated["results"]), f"QT-09: name!={name!r} kept it"


@pytest.mark.rule("QT-09")
def test_across_relations(api: Api) -> None:
    utc = _some(api, "/api/qa/unittestcollections/", "unit test collections")[0]
    unit_name = api.json(utc["unit"], "QT-09")["name"]
    found = api.everything("/api/qa/unittestcollections/", "QT-09",
                           unit__name__icontains=unit_name, limit=100)
    assert utc["url"] in {u["url"] for u in found}, (
        f"QT-09: unit__name__icontains={unit_name!r} misses {utc['url']}")
    units = {u["unit"] for u in found}
    names = [api.json(link, "QT-09")["name"] for link in list(units)[:10]]
    assert all(unit_name.lower() in n.lower() for n in names), (
        f"QT-09: unit__name__icontains={unit_name!r} matched units {names}")


@pytest.mark.rule("QT-09")
def test_test_instances_by_unit_and_test_name(api: Api) -> None:
    instance = _some(api, "/api/qa/testinstances/", "test instances")[0]
    info = api.json(instance["unit_test_info"], "QT-09")
    test_name = api.json(info["test"], "QT-09")["name"]
    unit_name = api.json(info["unit"], "QT-09")["name"]
    params = {"unit_test_info__unit__name__icontains": unit_name,
              "unit_test_info__test__name__icontains": test_name,
              "ordering": "-work_completed", "limit": 5}
    page = api.json("/api/qa/testinstances/", "QT-09", params=params)
    assert page["count"] >= 1, f"QT-09: the guide's test instance query found nothing: {params}"
    stamps = [datetime.fromisoformat(t["work_completed"].replace("Z", "+00:00"))
              for t in page["results"]]
    assert stamps == sorted(stamps, reverse=True), (
        f"QT-09: ordering=-work_completed gave {stamps}")
    for result in page["results"][:3]:
        test = api.json(api.json(result["unit_test_info"], "QT-09")["test"], "QT-09")
        assert test_name.lower() in test["name"].lower(), (
            f"QT-09: unit_test_info__test__name__icontains={test_name!r} matched {test['name']!r}")


@pytest.mark.rule("QT-09")
def test_ordering(api: Api) -> None:
    descending = [u["number"] for u in _some(api, UNITS, "units", ordering="-number")]
    ascending = [u["number"] for u in _some(api, UNITS, "units", ordering="number")]
    assert descending == sorted(descending, reverse=True), f"QT-09: ordering=-number {descending}"
    assert ascending == sorted(ascending), f"QT-09: ordering=number gave {ascending}"


@pytest.mark.rule("QT-09")
def test_unknown_parameters_are_ignored_and_bad_values_refused(api: Api) -> None:
    total = api.json(UNITS, "QT-09", params={"limit": 1})["count"]
    ignored = api.json(UNITS, "QT-09", params={"limit": 1, "apidouble_unknown": "x",
                                               "name__apidouble": "x"})
    assert ignored["count"] == total, "QT-09: unknown parameters changed the result"
    bad = api.get(UNITS, params={"number": "not-a-number"})
    assert bad.status_code == 400, f"QT-09: number=not-a-number answered {bad.status_code}"
    assert bad.json() == {"number": ["Enter a number."]}, f"QT-09: body {bad.text[:200]}"
