"""Schemathesis' stateful phase: chains of create -> read/update along our spec's OpenAPI links.

Writes, so against anything but our mock it runs only with ``--allow-writes``,
and then only updates records this run created (a write to any other id is
never sent). A 5xx breaks AQ-29 on any target; against our mock the answers
must also match our spec. Against another server a spec mismatch is our
choice, not a documented behaviour: it is recorded as a note, never a failure.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import hypothesis
import pytest
from schemathesis import Case
from schemathesis.core.failures import FailureGroup

from apidouble.conformance.target import Target

from ..generated import session
from . import _schema

#: generated requests: these tests can fail a rule, never make it pass
pytestmark = [pytest.mark.generated]
STEPS = {"default": (8, 4), "large": (60, 10)}  # (scenarios, steps per scenario)
CREATES = {"/api/v1/samples", "/api/v1/projects", "/api/v1/clients"}


class Created:
    """Ids of the records this run created, per collection path."""

    def __init__(self) -> None:
        self.ids: dict[str, set[str]] = {}
        self.lock = threading.Lock()

    def add(self, path: str, body: Any) -> None:
        if isinstance(body, dict) and body.get("id") is not None:
            with self.lock:
                self.ids.setdefault(path, set()).add(str(body["id"]))

    def owns(self, case: Case) -> bool:
        """A write to ``/collection/{id}...`` is ours when ``id`` was created by this run."""
        record = (case.path_parameters or {}).get("id")
        if record is None:
            return case.formatted_path in CREATES
        collection = "/" + "/".join(case.path.strip("/").split("/")[:3])
        return str(record) in self.ids.get(collection, set())


def machine(target: Target, schema: Any, notes: list[str]) -> Any:
    strict = target.is_mock
    checks = _schema.no_server_error("AQ-29") + (_schema.our_spec("AQ-29") if strict else [])
    lenient = _schema.our_spec("AQ-29")
    created, http = Created(), session()

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def call(self, case: Case, **kwargs: Any) -> Any:
            if case.method.upper() != "GET" and not strict and not created.owns(case):
                hypothesis.reject()  # never write to a record this run did not create
            response = case.call(base_url=target.base_url, session=http, timeout=30,
                                 allow_redirects=False)
            if case.method.upper() == "POST" and response.status_code == 201:
                created.add(case.formatted_path, _json(response))
            return response

        def validate_response(self, response: Any, case: Case, *args: Any,
                              **kwargs: Any) -> None:
            try:
                case.validate_response(response, checks=checks)
            except FailureGroup as group:
                raise AssertionError(f"AQ-29: {case.operation.label}: {group}") from None
            if not strict:
                try:
                    case.validate_response(response, checks=lenient)
                except FailureGroup as group:
                    notes.append(f"{case.operation.label}: {str(group).strip()[:600]}")

    return Machine


def _json(response: Any) -> Any:
    try:
        return response.json()
    except (ValueError, AttributeError):
        return None


@pytest.mark.rule("AQ-29")
def test_create_read_update_chains(target: Target, record_property: Any) -> None:
    target.need_writes()
    schema = _schema.load(target, stateful=True)
    notes: list[str] = []
    scenarios, steps = STEPS[_schema.profile_name()]
    try:
        machine(target, schema, notes).run(settings=hypothesis.settings(
            max_examples=scenarios, stateful_step_count=steps, deadline=None,
            database=None, derandomize=True, suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate]))
    finally:
        if notes:
            record_property("notes", json.dumps(sorted(set(notes))[:20]))


