"""Instrument uploads (AQ-24): proposed matches with confidence, dry runs, the threshold."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from apidouble.conformance.target import Target

from ._client import Aliquora, body_of, seen, slug
from ._data import Catalog, Sample, SampleFactory, in_spec


def upload(api: Aliquora, csv: str, **form: str) -> requests.Response:
    files = {"file": ("run.csv", csv.encode(), "text/csv")}
    return api.post("/instrument-uploads", files=files,
                    data={"hint": "apidouble conformance run", **form})


def matches_of(body: Any) -> list[dict[str, Any]] | None:
    """The proposed matches: the first list of objects carrying a confidence score."""
    values = body.values() if isinstance(body, dict) else []
    for value in values:
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) \
                and all(any("confidence" in k.lower() for k in v) for v in value):
            return value
    return None


def confidence(match: dict[str, Any]) -> float:
    return float(next(v for k, v in match.items() if "confidence" in k.lower()))


def unit_definitions(catalog: Catalog) -> list[dict[str, Any]]:
    found = [d for d in catalog.definitions if d.get("resultType", "numeric") == "numeric"
             and d.get("unit") and d.get("code")]
    if len(found) < 2:
        pytest.skip("not checkable: needs two numeric test definitions with a code and a unit")
    return found[:2]


def export(sample: Sample, definitions: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """Two rows: the first exact, the second with a unit that differs from the definition's."""
    values = [in_spec(definitions[0]), "2.5"]
    rows = [f"{sample.tracking_id},{definitions[0]['code']},{values[0]},{definitions[0]['unit']}",
            f"{sample.tracking_id},{definitions[1]['code']},{values[1]},furlongs"]
    return "\n".join(["Tracking ID,Test Code,Result,Unit", *rows]) + "\n", values


def results_of(api: Aliquora, sample_id: int) -> dict[int, Any]:
    return {t["id"]: t.get("result") for t in api.every("/sample-tests", sampleId=sample_id)}


@pytest.fixture
def prepared(api: Aliquora, catalog: Catalog,
             make_sample: SampleFactory) -> tuple[Sample, str, list[str]]:
    definitions = unit_definitions(catalog)
    sample = make_sample(definition_ids=[d["id"] for d in definitions])
    csv, values = export(sample, definitions)
    return sample, csv, values


@pytest.mark.rule("AQ-24")
def test_a_dry_run_proposes_matches_and_writes_nothing(
        api: Aliquora, prepared: tuple[Sample, str, list[str]], target: Target) -> None:
    sample, csv, _ = prepared
    response = upload(api, csv, dryRun="true", confidenceThreshold="0.8")
    assert response.status_code == 200, f"AQ-24: a dry-run upload answered {seen(response)}"
    matches = matches_of(body_of(response))
    assert matches, f"AQ-24: the upload lists no matches with a confidence: {seen(response)}"
    scores = [confidence(m) for m in matches]
    assert all(0 <= s <= 1 for s in scores), f"AQ-24: confidences {scores} outside 0 to 1"
    results = results_of(api, sample.id)
    assert all(r is None for r in results.values()), f"AQ-24: a dry run wrote {results}"
    if target.is_mock:  # our extraction rules: exact row 1.0, unit mismatch -0.3
        seen_rows = [(m["sampleTestId"], m["confidence"], m["status"]) for m in matches]
        expected = [(sample.test_ids[0], 1.0, "matched"),
                    (sample.test_ids[1], 0.7, "below_threshold")]
        assert seen_rows == expected, f"AQ-24: dry-run matches {seen_rows}, expected {expected}"


@pytest.mark.rule("AQ-24")
def test_only_matches_at_or_above_the_threshold_are_written(
        api: Aliquora, prepared: tuple[Sample, str, list[str]], target: Target) -> None:
    sample, csv, values = prepared
    response = upload(api, csv, dryRun="false", confidenceThreshold="0.8")
    assert response.status_code == 200, f"AQ-24: an upload answered {seen(response)}"
    matches = matches_of(body_of(response))
    assert matches and len(matches) == 2, f"AQ-24: two rows gave matches {matches}"
    results = results_of(api, sample.id)
    for index, match in enumerate(matches):
        test_id = match.get("sampleTestId", sample.test_ids[index])
        expected = values[index] if confidence(match) >= 0.8 else None
        assert results.get(test_id) == expected, \
            f"AQ-24: row {index + 1} with confidence {confidence(match)} left result " \
            f"{results.get(test_id)!r}, expected {expected!r} at threshold 0.8"
    if target.is_mock:
        assert body_of(response).get("written") == 1, \
            f"AQ-24: written is {body_of(response).get('written')}, expected 1"


@pytest.mark.rule("AQ-24")
@pytest.mark.parametrize("threshold", ["1.5", "-0.1", "high"])
def test_a_threshold_outside_zero_to_one_is_refused(api: Aliquora, threshold: str,
                                                    target: Target) -> None:
    csv = "Tracking ID,Test Code,Result\nS-1999-999999,NO-SUCH-TEST,7.0\n"  # matches nothing
    response = upload(api, csv, dryRun="true", confidenceThreshold=threshold)
    assert response.status_code == 400, \
        f"AQ-24: confidenceThreshold {threshold} answered {seen(response)}, expected 400"
    if target.is_mock:
        assert slug(response) == "invalid_body", f"AQ-24: the 400 has error {slug(response)!r}"
