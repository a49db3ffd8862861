"""Schemathesis' stateful phase along spec/alemba.yaml's links: create a call, then read
and update it by its ``Ref`` (AL-25).

Writes, so against anything but our mock it runs only with ``--allow-writes``,
and then only reads or updates calls this run created (see
``conformance/stateful.py``). Each created call carries the inputs its
``$create`` metadata requires, so the chain goes past the create. Any target: no
``500`` (AL-25); against our mock also statuses, content types and bodies as our
spec writes them; elsewhere those are notes.
"""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..generated import authorize
from ..stateful import Chains, load, run_chains
from ..target import Target
from ._client import API, Session
from ._fixtures import CallFactory

#: generated requests: these tests can fail a rule, never make it pass
pytestmark = [pytest.mark.generated]
OPERATIONS = ["create", "getRecord", "updateRecord"]


def record_ref(body: Any) -> Any:
    return body.get("Ref") if isinstance(body, dict) else None


def chains(required: dict[str, Any]) -> Chains:
    def prepare(case: Case) -> None:
        if case.operation.label == "POST /{entity}":  # the chain starts with a new call
            case.path_parameters["entity"] = "call"
            generated = case.body if isinstance(case.body, dict) else {}
            case.body = {**generated, **required}

    return Chains(
        rule="AL-25",
        creates={"/call": record_ref},
        always=[not_a_server_error],
        our_spec=[status_code_conformance, content_type_conformance,
                  response_schema_conformance],
        steps={"default": (6, 4), "large": (60, 10)},
        remote_steps={"default": (3, 4), "large": (20, 6)},  # calls cannot be deleted
        prepare=prepare,
    )


def chains_schema(analyst: Session) -> Any:
    schema = load("alemba", OPERATIONS)

    return authorize(schema, lambda: f"Bearer {analyst.access_token}")


@pytest.mark.rule("AL-25")
def test_call_chains(target: Target, analyst: Session, calls: CallFactory,
                     record_property: Any) -> None:
    target.need_writes()
    analyst.renew()
    run_chains(chains_schema(analyst), target, chains(calls.required_body()), record_property,
               base_url=target.base_url + API)
