"""getStatistics and getSpecificationEvaluation against an independent computation (AS-06,
AS-07) on the whole seeded installation, to 1e-9 relative.

The expected figures are computed here from the fixture document itself (not
from the mock's tables or code): Python's ``statistics`` module for the mean
and sample deviation, the moving range written out, and the specification
history of the document to find the limits in force at each result's date.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

import pytest

from apidouble.fixtures import alisqi as fixture_data

Api = Any
REL = 1e-9
NUMBER_FIELDS = {1: ["meltindex_", "density_", "thickness_"], 2: ["moisture_", "mfi_"],
                 3: ["tensile_", "elongation_", "yellowness_"]}
INDEX = {1: "product_", 2: "material_", 3: "product_"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return fixture_data.load()


def when(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def results_of(document: dict[str, Any], set_id: int) -> list[dict[str, Any]]:
    rows = [r for r in document["results"] if r["setId"] == set_id]
    return sorted(rows, key=lambda r: (when(r["values"]["date"]), r["id"]))


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def close(actual: Any, expected: float | None) -> bool:
    if expected is None:
        return actual is None
    return isinstance(actual, int | float) and math.isclose(actual, expected, rel_tol=REL)


@pytest.mark.parametrize("set_id", [1, 2, 3])
def test_statistics_of_every_number_field(api: Api, document: dict[str, Any],
                                          set_id: int) -> None:
    names = NUMBER_FIELDS[set_id]
    newest = list(reversed(results_of(document, set_id)))[:500]
    answer = api.get(f"/api/getStatistics?setId={set_id}&fields={','.join(names)}").get_json()
    for name in names:
        present = [r["values"][name] for r in newest if r["values"].get(name) is not None]
        values = [float(v) for v in present if is_number(v)]
        ours = answer[name]
        assert ours["count"] == len(values)
        assert ours["censoredCount"] == len(present) - len(values)
        assert close(ours["mean"], statistics.fmean(values))
        assert close(ours["standardDeviation"], statistics.stdev(values))
        assert close(ours["minimum"], min(values)) and close(ours["maximum"], max(values))
        assert close(ours["median"], statistics.median(values))


def version_at(history: list[dict[str, Any]], product: str, moment: datetime) -> int | None:
    """1-based version number (per set and product, in document order) in force at moment."""
    found = None
    for number, version in enumerate(
            [v for v in history if v["indexValue"] == product], start=1):
        if when(version["startDateTime"]) <= moment:
            found = number
    return found


def expected_groups(document: dict[str, Any], set_id: int) -> dict[tuple, dict[str, Any]]:
    history = [v for v in document["specifications"] if v["setId"] == set_id]
    values: dict[tuple, list[float]] = defaultdict(list)
    for row in results_of(document, set_id):
        product = row["values"][INDEX[set_id]]
        version = version_at(history, product, when(row["values"]["date"]))
        for name in NUMBER_FIELDS[set_id]:
            if is_number(row["values"].get(name)):
                values[(product, name, version)].append(float(row["values"][name]))
    out = {}
    for (product, name, version), xs in values.items():
        specs = [v for v in history if v["indexValue"] == product]
        limits = specs[version - 1]["specs"][name] if version else {}
        out[(product, name, version)] = capability(xs, limits.get("lsl"), limits.get("usl"))
    return out


def capability(xs: list[float], lsl: float | None, usl: float | None) -> dict[str, Any]:
    m = statistics.fmean(xs)
    s = statistics.stdev(xs)
    ranges = [abs(xs[i] - xs[i - 1]) for i in range(1, len(xs))]
    within = (sum(ranges) / len(ranges)) / 1.128

    def pair(sigma: float) -> tuple[float | None, float | None]:
        two = (usl - lsl) / (6 * sigma) if lsl is not None and usl is not None else None
        sides = []
        if usl is not None:
            sides.append((usl - m) / (3 * sigma))
        if lsl is not None:
            sides.append((m - lsl) / (3 * sigma))
        return two, min(sides)

    (cp, cpk), (pp, ppk) = pair(within), pair(s)
    return {"count": len(xs), "mean": m, "standardDeviation": s, "sigmaWithin": within,
            "cp": cp, "cpk": cpk, "pp": pp, "ppk": ppk}


@pytest.mark.parametrize("set_id", [1, 2, 3])
def test_capability_per_product_and_version(api: Api, document: dict[str, Any],
                                            set_id: int) -> None:
    names = ",".join(NUMBER_FIELDS[set_id])
    answer = api.get(f"/api/getSpecificationEvaluation?setId={set_id}&fields={names}")
    groups = {(g["indexValue"], g["field"], g["specificationVersion"]): g
              for g in answer.get_json()}
    expected = expected_groups(document, set_id)
    assert set(groups) == set(expected)
    assert len({key[2] for key in expected}) >= 2, "the seed should span several versions"
    for key, figures in expected.items():
        for name, value in figures.items():
            assert close(groups[key][name], value), (key, name, groups[key][name], value)
