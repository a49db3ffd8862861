"""Schemathesis' stateful phase along our specs' OpenAPI links, safe against any target.

The invariant: against anything but our mock, no generated request writes to a
record this run did not create. A ``POST`` goes only to a collection the
system's chains create in, and any other write only under a record path
(``/collection/<id>``) that one of this run's own creates answered. What a
system's guide documents (no 5xx, its envelope) is checked on every target and
fails the test's rule; what only our spec chose is checked strictly against our
mock and recorded as a note elsewhere, never a failure.

A system describes its chains with :class:`Chains`; :func:`run_chains` builds
the state machine from the schema (with the system's auth registered on it) and
runs it within the profile's budget.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from typing import Any

import hypothesis
import schemathesis
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup

from .generated import session
from .target import MAX_RATE_WAIT, Target, retry_after_seconds

#: a created record's id from the 201 answer's JSON body (None when it names none)
IdOf = Callable[[Any], Any]
#: (scenarios, steps per scenario) per Hypothesis profile
STEPS = {"default": (8, 4), "large": (60, 10)}
RATE_RETRIES = 4


def profile_name() -> str:
    name = os.environ.get("APIDOUBLE_HYPOTHESIS_PROFILE", "default")
    return name if name in STEPS else "default"


@dataclass(frozen=True)
class Chains:
    """One system's create -> read/update chains and what their answers must keep."""

    rule: str
    #: formatted collection path a POST creates in (``/api/v1/samples``) -> the new id
    creates: Mapping[str, IdOf]
    #: documented behaviour, checked on every target (a failure breaks ``rule``)
    always: list[CheckFunction]
    #: our spec's choices: strict against our mock, notes against anything else
    our_spec: list[CheckFunction]
    steps: Mapping[str, tuple[int, int]] = field(default_factory=lambda: dict(STEPS))
    #: the budget against anything but our mock, when creates there must stay few
    remote_steps: Mapping[str, tuple[int, int]] | None = None
    #: changes a case before it is judged and sent (e.g. a valid create body)
    prepare: Callable[[Case], None] | None = None


def config(operations: list[str]) -> SchemathesisConfig:
    """The stateful phase over ``operations`` only, along our explicit links (no inference)."""
    deterministic = profile_name() == "default"
    return SchemathesisConfig.from_dict({
        "operations": [{"exclude-operation-id": operations, "enabled": False}],
        **({"seed": 20260618} if deterministic else {}),
        "suppress-health-check": ["all"],
        "generation": {"mode": "all", "database": "none", "with-security-parameters": False,
                       "deterministic": deterministic},
        "phases": {"stateful": {"enabled": True, "inference": {"algorithms": []}},
                   "fuzzing": {"extra-data-sources": {"responses": False}}},
        "warnings": False,
    })


def load(system: str, operations: list[str]) -> Any:
    """Our spec of ``system`` for the stateful phase of ``operations`` (register auth on it)."""
    with as_file(files("apidouble.spec") / f"{system}.yaml") as path:
        return schemathesis.openapi.from_path(path, config=config(operations))


class Created:
    """Record paths (``/collection/<id>``) this run created, from its own 201 answers."""

    def __init__(self, creates: Mapping[str, IdOf]) -> None:
        self.creates = {path.rstrip("/"): id_of for path, id_of in creates.items()}
        self.paths: set[str] = set()
        self.lock = threading.Lock()

    def add(self, case: Case, body: Any) -> None:
        collection = case.formatted_path.rstrip("/")
        id_of = self.creates.get(collection)
        record = id_of(body) if id_of is not None else None
        if record is not None and str(record):
            with self.lock:
                self.paths.add(f"{collection}/{record}")

    def owns(self, case: Case) -> bool:
        """A POST to a creating collection, or a write under a record this run created."""
        path = case.formatted_path.rstrip("/")
        if case.method.upper() == "POST" and path in self.creates:
            return True
        with self.lock:
            return any(path == mine or path.startswith(mine + "/") for mine in self.paths)


def machine(schema: Any, target: Target, chains: Chains, notes: list[str], *,
            base_url: str | None = None) -> Any:
    """The state machine of ``schema``'s links, refusing writes to records not ours."""
    strict = target.is_mock
    checks = chains.always + (chains.our_spec if strict else [])
    created, http, url = Created(chains.creates), session(), base_url or target.base_url

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def call(self, case: Case, **kwargs: Any) -> Any:
            if chains.prepare is not None:
                chains.prepare(case)
            if case.method.upper() != "GET" and not strict and not created.owns(case):
                hypothesis.reject()  # never write to a record this run did not create
            response = send(case, target, http, url)
            if case.method.upper() == "POST" and response.status_code == 201:
                created.add(case, _json(response))
            return response

        def validate_response(self, response: Any, case: Case, *args: Any,
                              **kwargs: Any) -> None:
            try:
                case.validate_response(response, checks=checks)
            except FailureGroup as group:
                raise AssertionError(f"{chains.rule}: {case.operation.label}: {group}") from None
            if not strict:
                try:
                    case.validate_response(response, checks=chains.our_spec)
                except FailureGroup as group:
                    notes.append(f"{case.operation.label}: {str(group).strip()[:600]}")

    return Machine


def send(case: Case, target: Target, http: Any, base_url: str) -> Any:
    """Call the target; a 429 is waited out (our mock's clock moves instead of sleeping)."""
    for _attempt in range(RATE_RETRIES):
        response = case.call(base_url=base_url, session=http, timeout=30,
                             allow_redirects=False)
        if response.status_code != 429:
            return response
        values = response.headers.get("retry-after") or []
        pause = retry_after_seconds(values[0] if values else None)
        pause = min(max(target.default_rate_wait if pause is None else pause, 0.5),
                    MAX_RATE_WAIT)
        if target.is_mock:
            target.advance_clock(pause)
        else:
            time.sleep(pause)
    return response


def _json(response: Any) -> Any:
    try:
        return response.json()
    except (ValueError, AttributeError):
        return None


def run_chains(schema: Any, target: Target, chains: Chains, record_property: Any, *,
               base_url: str | None = None) -> None:
    """Run the chains within the profile's budget; notes go to the test's report entry."""
    notes: list[str] = []
    budget = chains.steps if target.is_mock else chains.remote_steps or chains.steps
    scenarios, steps = budget.get(profile_name(), STEPS["default"])
    try:
        machine(schema, target, chains, notes, base_url=base_url).run(
            settings=hypothesis.settings(
                max_examples=scenarios, stateful_step_count=steps, deadline=None,
                database=None, derandomize=True,
                suppress_health_check=list(hypothesis.HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate]))
    finally:
        if notes:
            record_property("notes", json.dumps(sorted(set(notes))[:20]))
