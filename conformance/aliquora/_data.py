"""Data the tests need, discovered through the API or created by the tests themselves.

Nothing here assumes our mock's ids or fixtures: reference data is read from
the target's lists, and the only records changed are those a test created
through :class:`SampleFactory` (which asks for ``--allow-writes`` first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from ._client import Aliquora, body_of, marker, seen, today

STATUSES = ("pending", "received", "processing", "completed", "verified")
#: The fields of a sample that no read may change (our spec's names; extra fields ignored).
SAMPLE_STATE = ("id", "trackingId", "status", "clientName", "materialTypeId", "projectId",
                "storageLocationId", "collectionDate", "priority", "notes", "plantLocation",
                "sampleIdentifier", "receivedAt", "reportedAt", "updatedAt")


def state(sample: dict[str, Any]) -> dict[str, Any]:
    """What a change would show, leaving out fields a server may add (AQ-30)."""
    return {name: sample.get(name) for name in SAMPLE_STATE}


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def text_number(value: float) -> str:
    return f"{value:g}"


@dataclass
class Catalog:
    """One organisation's reference data, as its key lists it."""

    material_types: list[dict[str, Any]]
    definitions: list[dict[str, Any]]
    projects: list[dict[str, Any]]

    @classmethod
    def discover(cls, api: Aliquora) -> Catalog:
        return cls(api.every("/material-types"), api.every("/test-definitions"),
                   api.every("/projects"))

    def material_type_id(self) -> int:
        ids = [m["id"] for m in self.material_types if isinstance(m.get("id"), int)]
        if not ids:
            pytest.skip("not checkable: the organisation lists no material types")
        return ids[0]

    def definition_ids(self, count: int) -> list[int]:
        ids = [d["id"] for d in self.definitions if isinstance(d.get("id"), int)]
        if len(ids) < count:
            pytest.skip(f"not checkable: needs {count} test definitions, the organisation "
                        f"lists {len(ids)}")
        numeric = [d["id"] for d in self.definitions if d.get("resultType") == "numeric"]
        ordered = numeric + [i for i in ids if i not in numeric]
        return (ordered * count)[:count] if ordered else ids[:count]

    def with_limits(self) -> dict[str, Any] | None:
        """A numeric definition with spec limits (our spec's ``specMin``/``specMax``)."""
        for definition in self.definitions:
            limits = (number(definition.get("specMin")), number(definition.get("specMax")))
            if definition.get("resultType", "numeric") == "numeric" and limits != (None, None):
                return definition
        return None

    def plain_project_id(self) -> int | None:
        for project in self.projects:
            if project.get("usesCompositeIdentifier") is False and project.get("active", True):
                return int(project["id"])
        return None

    def composite_project(self) -> dict[str, Any] | None:
        for project in self.projects:
            if project.get("usesCompositeIdentifier") is True and project.get("active", True):
                return project
        return None


def in_spec(definition: dict[str, Any] | None) -> str:
    """A result within the definition's limits (inclusive)."""
    low, high = (number(definition.get("specMin")), number(definition.get("specMax"))) \
        if definition else (None, None)
    if low is not None and high is not None:
        return text_number((low + high) / 2)
    return text_number(high if high is not None else low if low is not None else 1.0)


def out_of_spec(definition: dict[str, Any]) -> str:
    low, high = number(definition.get("specMin")), number(definition.get("specMax"))
    return text_number(high + abs(high) + 1 if high is not None else (low or 0) - abs(low or 0) - 1)


@dataclass
class Sample:
    """A sample a test created, with its scheduled tests (oldest first)."""

    id: int
    tracking_id: str
    body: dict[str, Any]
    tests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def test_ids(self) -> list[int]:
        return [t["id"] for t in self.tests]


class SampleFactory:
    """Creates samples (with tests) for one test, prefixing its failures with the test's rules."""

    def __init__(self, api: Aliquora, catalog: Catalog, rules: str) -> None:
        self.api = api
        self.catalog = catalog
        self.rules = rules

    def fail_unless(self, ok: bool, what: str, response: requests.Response) -> None:
        assert ok, f"{self.rules}: setup failed, {what} answered {seen(response)}"

    def body(self, definition_ids: list[int], **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "clientName": "apidouble conformance",
            "materialTypeId": self.catalog.material_type_id(),
            "collectionDate": today(),
            "priority": "normal",
            "testDefinitionIds": definition_ids,
            "notes": marker(),
            "plantLocation": "Conformance bench",
        }
        project_id = self.catalog.plain_project_id()
        if project_id is not None:
            body["projectId"] = project_id
        body.update(fields)
        return {name: value for name, value in body.items() if value is not None}

    def __call__(self, tests: int = 1, definition_ids: list[int] | None = None,
                 fetch_tests: bool = True, **fields: Any) -> Sample:
        self.api.target.need_writes()
        ids = definition_ids if definition_ids is not None else self.catalog.definition_ids(tests)
        response = self.api.post("/samples", json=self.body(ids, **fields))
        self.fail_unless(response.status_code in (200, 201), "POST /samples", response)
        created = body_of(response)
        sample = Sample(created["id"], created.get("trackingId", ""), created)
        if fetch_tests and ids:
            sample.tests = self.tests_of(sample.id)
        return sample

    def tests_of(self, sample_id: int) -> list[dict[str, Any]]:
        found = self.api.every("/sample-tests", sampleId=sample_id)
        return sorted(found, key=lambda t: t["id"])

    # --- workflow steps a test needs as setup ------------------------------------------
    def enter(self, test_id: int, result: str) -> dict[str, Any]:
        response = self.api.patch(f"/sample-tests/{test_id}", json={"result": result})
        self.fail_unless(response.status_code == 200, f"PATCH /sample-tests/{test_id}", response)
        return body_of(response)

    def verify(self, test_id: int) -> dict[str, Any]:
        response = self.api.post(f"/sample-tests/{test_id}/verify")
        self.fail_unless(response.status_code == 200,
                         f"POST /sample-tests/{test_id}/verify", response)
        return body_of(response)

    def walk(self, sample_id: int, to: str, *, strict: bool = True) -> None:
        """Move a sample forward one status at a time, from received up to ``to``.

        Not strict: stop at the first step the target refuses (its workflow may differ).
        """
        for status in STATUSES[1: STATUSES.index(to) + 1]:
            response = self.api.patch(f"/samples/{sample_id}/status", json={"status": status})
            if not strict and response.status_code != 200:
                return
            self.fail_unless(response.status_code == 200,
                             f"PATCH /samples/{sample_id}/status to {status}", response)

    def verified_sample(self, result: str | None = None) -> tuple[Sample, dict[str, Any] | None]:
        """A sample with one verified result, walked to ``verified``: ready to report."""
        definition = self.catalog.with_limits()
        ids = [definition["id"]] if definition else self.catalog.definition_ids(1)
        sample = self(definition_ids=ids)
        self.enter(sample.test_ids[0], result if result is not None else in_spec(definition))
        self.verify(sample.test_ids[0])
        self.walk(sample.id, "verified", strict=self.api.target.is_mock)
        return sample, definition
