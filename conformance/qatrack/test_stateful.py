"""Schemathesis' stateful phase along spec/qatrack.yaml's links: perform a test list, then
read and edit the instance it made (QT-10).

Performing cannot be undone on a real server, so against anything but our
mock this runs only with ``--allow-writes``, performs only on the unit test
collection the suite may perform (``--identity unit_test_collection``; our mock
reserves one, see ``fixtures.py``), never moves a schedule, and edits only the
instances this run performed (see ``conformance/stateful.py``). Each perform
carries the collection's own tests, so the chain goes past validation. Any
target: no 5xx; against our mock also statuses, content types, headers and
bodies as our spec writes them; elsewhere those are notes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..generated import authorize
from ..stateful import Chains, load, run_chains
from ..target import Target
from ._api import Api, Collection
from .fixtures import payload

#: generated requests: these tests can fail a rule, never make it pass
pytestmark = [pytest.mark.generated]
OPERATIONS = ["performTestList", "getTestListInstance", "editTestListInstance"]
INSTANCE = re.compile(r"/testlistinstances/([0-9]+)/")


def instance_id(body: Any) -> Any:
    found = INSTANCE.search(str(body.get("url", ""))) if isinstance(body, dict) else None
    return found.group(1) if found else None


def chains(collection: Collection) -> Chains:
    def prepare(case: Case) -> None:
        if case.operation.label == "POST /api/qa/testlistinstances/":
            generated = case.body if isinstance(case.body, dict) else {}
            kept = {k: generated[k] for k in ("comment", "in_progress")
                    if isinstance(generated.get(k), (str, bool))}
            case.body = {**payload(collection), **kept}

    return Chains(
        rule="QT-10",
        creates={"/api/qa/testlistinstances/": instance_id},
        always=[not_a_server_error],
        our_spec=[status_code_conformance, content_type_conformance,
                  response_headers_conformance, response_schema_conformance],
        steps={"default": (5, 3), "large": (60, 10)},
        remote_steps={"default": (2, 3), "large": (10, 5)},  # each perform stays on the server
        prepare=prepare,
    )


def chains_schema(api: Api) -> Any:
    schema = load("qatrack", OPERATIONS)
    token = api.token or ""

    return authorize(schema, lambda: f"Token {token}")


@pytest.mark.rule("QT-10")
def test_perform_read_edit_chains(target: Target, api: Api, collection: Collection,
                                  record_property: Any) -> None:
    target.need_writes()
    run_chains(chains_schema(api), target, chains(collection), record_property)
