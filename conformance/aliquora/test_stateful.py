"""Schemathesis' stateful phase: chains of create -> read/update along our spec's OpenAPI links.

Writes, so against anything but our mock it runs only with ``--allow-writes``,
and then only updates records this run created (a write to any other id is
never sent; see ``conformance/stateful.py``). A 5xx breaks AQ-29 on any target;
against our mock the answers must also match our spec. Against another server a
spec mismatch is our choice, not a documented behaviour: it is recorded as a
note, never a failure.
"""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from ..stateful import Chains, run_chains
from . import _schema

#: generated requests: these tests can fail a rule, never make it pass
pytestmark = [pytest.mark.generated]


def record_id(body: Any) -> Any:
    return body.get("id") if isinstance(body, dict) else None


CHAINS = Chains(
    rule="AQ-29",
    creates={path: record_id for path in ("/api/v1/samples", "/api/v1/projects",
                                          "/api/v1/clients")},
    always=_schema.no_server_error("AQ-29"),
    our_spec=_schema.our_spec("AQ-29"),
    steps={"default": (8, 4), "large": (60, 10)},
)


@pytest.mark.rule("AQ-29")
def test_create_read_update_chains(target: Target, record_property: Any) -> None:
    target.need_writes()
    run_chains(_schema.load(target, stateful=True), target, CHAINS, record_property)
