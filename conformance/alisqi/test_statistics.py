"""getStatistics (AS-06) and getSpecificationEvaluation (AS-07), recomputed from getResults.

Against our mock the figures must be exactly our documented ones (to 1e-9
relative); against another server any standard convention is accepted, and
the figures are looked for anywhere in its answer (its shape is its own).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from apidouble.conformance.target import Target

from . import _stats
from ._client import AlisQI, json_of, seen
from ._model import Installation

EXACT = 1e-9


def field_values(api: AlisQI, set_id: str, name: str, limit: int, **params: Any) -> list[Any]:
    rows = api.results(set_id, limit=limit, fields=f"date,{name}", **params)
    return [row.get(name) for row in rows]


def assert_close(what: str, ours: Any, expected: float | None, rule: str) -> None:
    if expected is None:
        assert ours is None, f"{rule}: {what} is {ours!r}, expected null"
        return
    assert isinstance(ours, int | float) and math.isclose(ours, expected, rel_tol=EXACT,
                                                          abs_tol=1e-12), \
        f"{rule}: {what} is {ours!r}, expected {expected!r}"


@pytest.mark.rule("AS-06")
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_statistics_match_a_recomputation(api: AlisQI, installation: Installation,
                                          target: Target, filtered: bool) -> None:
    info = installation.need_set()
    name = installation.need_field("number", "number_field")
    params: dict[str, Any] = {}
    if filtered:
        if not info.index_field or not info.fields[info.index_field].options:
            pytest.skip("not checkable: the set has no product field to filter on")
        params["filter"] = json.dumps({info.index_field: info.fields[info.index_field]
                                       .options[0]})
    response = api.get("getStatistics", setId=info.id, fields=name, limit=200, **params)
    assert response.status_code == 200, f"AS-06: getStatistics answered {seen(response)}"
    values = _stats.numbers(field_values(api, info.id, name, 200, **params))
    if len(values) < 2:
        pytest.skip("not checkable: fewer than two numeric results")
    body = json_of(response)
    if target.is_mock:
        ours = body[name]
        assert ours["count"] == len(values), f"AS-06: count {ours['count']} != {len(values)}"
        for key, expected in (("mean", sum(values) / len(values)),
                              ("standardDeviation", _stats.deviations(values)[0]),
                              ("minimum", min(values)), ("maximum", max(values))):
            assert_close(key, ours[key], expected, "AS-06")
        return
    for what, candidates in (("count", [float(len(values))]),
                             ("mean", [sum(values) / len(values)]),
                             ("standard deviation", _stats.deviations(values)),
                             ("minimum", [min(values)]), ("maximum", [max(values)])):
        assert _stats.reported(body, candidates), \
            f"AS-06: getStatistics reports no {what} matching {candidates} from getResults"


def current_version(api: AlisQI, info: Any, product: str) -> tuple[dict[str, Any], str] | None:
    body = json_of(api.get("getSpecificationVersion", setId=info.id, indexValue=product))
    for item in body if isinstance(body, list) else [body]:
        if isinstance(item, dict) and isinstance(item.get("specs"), dict):
            start = item.get("startDateTime")
            return item["specs"], str(start) if start else ""
    return None


@pytest.mark.rule("AS-07")
def test_capability_matches_a_recomputation(api: AlisQI, installation: Installation,
                                            target: Target) -> None:
    """One product since its current specification version: one set of limits."""
    info = installation.need_set()
    name = installation.need_field("number", "number_field")
    if not info.index_field or not info.fields[info.index_field].options:
        pytest.skip("not checkable: the set names no product (index) field")
    product = info.fields[info.index_field].options[0]
    found = current_version(api, info, product)
    if found is None or name not in found[0]:
        pytest.skip(f"not checkable: no specification of {name} for {product} in a shape "
                    "this suite reads")
    limits, start = found
    condition: dict[str, Any] = {info.index_field: product}
    if start:
        condition["date"] = [{"operator": ">=", "value": start}]
    params = {"filter": json.dumps(condition)}
    response = api.get("getSpecificationEvaluation", setId=info.id, fields=name, **params)
    assert response.status_code == 200, f"AS-07: evaluation answered {seen(response)}"
    values = _stats.numbers(field_values(api, info.id, name, 10_000, sort="date:asc", **params))
    if len(values) < 3:
        pytest.skip("not checkable: fewer than three results under the current version")
    check_indices(json_of(response), values, limits[name], target.is_mock, name)


def check_indices(body: Any, values: list[float], limits: dict[str, Any], exact: bool,
                  name: str) -> None:
    lsl, usl = limits.get("lsl"), limits.get("usl")
    centre = sum(values) / len(values)
    if exact:
        groups = [g for g in body if g["field"] == name]
        assert len(groups) == 1, f"AS-07: {len(groups)} groups for one version of one product"
        group = groups[0]
        assert group["count"] == len(values), f"AS-07: count {group['count']} != {len(values)}"
        sw, s = _stats.within(values)[0], _stats.deviations(values)[0]
        for key, expected in zip(("cp", "cpk"), _stats.indices(centre, sw, lsl, usl),
                                 strict=True):
            assert_close(key, group[key], expected, "AS-07")
        for key, expected in zip(("pp", "ppk"), _stats.indices(centre, s, lsl, usl),
                                 strict=True):
            assert_close(key, group[key], expected, "AS-07")
        return
    candidates = [index for sigma in _stats.within(values)
                  for index in _stats.indices(centre, sigma, lsl, usl) if index is not None]
    assert _stats.reported(body, candidates), \
        f"AS-07: the evaluation reports no Cp/Cpk/Pp/Ppk matching a recomputation {candidates}"


@pytest.mark.rule("AS-07")
def test_results_are_judged_by_the_version_in_force_at_their_date(
        api: AlisQI, installation: Installation, target: Target) -> None:
    """Our documented grouping: the current version's group holds exactly the results
    dated since its start (older results belong to older versions)."""
    target.need_mock("the grouping per specification version is our documented choice")
    info = installation.need_set()
    name = installation.need_field("number", "number_field")
    if not info.index_field or not info.fields[info.index_field].options:
        pytest.skip("not checkable: the set names no product (index) field")
    product = info.fields[info.index_field].options[0]
    current = json_of(api.get("getSpecificationVersion", setId=info.id, indexValue=product))
    if not current:
        pytest.skip(f"not checkable: {product} has no specification in force")
    params = {"filter": json.dumps({info.index_field: product})}
    groups = json_of(api.get("getSpecificationEvaluation", setId=info.id, fields=name,
                             **params))
    dates = [row.get("date") for row in api.results(info.id, limit=10_000, fields=f"date,{name}",
                                                    **params) if _stats.numbers([row.get(name)])]
    since = sum(1 for d in dates if d >= current[0]["startDateTime"])
    mine = [g for g in groups if g["specificationVersion"] == current[0]["version"]]
    assert sum(g["count"] for g in groups) == len(dates), \
        "AS-07: the groups do not add up to the product's results"
    assert [g["count"] for g in mine] == ([since] if since else []), \
        f"AS-07: the current version's group holds {[g['count'] for g in mine]} results, " \
        f"{since} are dated since it came into force"
