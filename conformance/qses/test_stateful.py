"""Schemathesis' stateful phase along spec/qses.yaml's links: create a contact, then read,
replace and list what belongs to it (QS-02).

Writes, so against anything but our mock it runs only with ``--allow-writes``,
and then only reads or replaces contacts this run created (``Data.CrmNumber`` of
its own ``201`` answers; see ``conformance/stateful.py``). Any target: no 5xx
and JSON with charset (QS-02). Against our mock also statuses, headers and
bodies as our spec writes them; elsewhere those are notes.
"""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from ..generated import authorize
from ..stateful import Chains, load, run_chains
from . import _schema
from ._client import Crms

#: generated requests: these tests can fail a rule, never make it pass
pytestmark = [pytest.mark.generated]
OPERATIONS = ["createContact", "getContact", "replaceContact", "listContactAddresses",
              "listPhoneCommunications"]


def crm_number(body: Any) -> Any:
    data = body.get("Data") if isinstance(body, dict) else None
    return data.get("CrmNumber") if isinstance(data, dict) else None


CHAINS = Chains(
    rule="QS-02",
    creates={"/crms/api/contacts": crm_number},
    always=_schema.ANY_TARGET,
    our_spec=_schema.OUR_SPEC,
    steps={"default": (6, 4), "large": (60, 10)},
    remote_steps={"default": (3, 4), "large": (20, 6)},  # contacts cannot be deleted
)


def chains_schema(target: Target, crms: Crms) -> Any:
    schema = load("qses", OPERATIONS)
    tokens = _schema.TokenRing(target, crms)

    return authorize(schema, lambda: f"Bearer {tokens.next()}")


@pytest.mark.rule("QS-02")
def test_contact_chains(target: Target, crms: Crms, record_property: Any) -> None:
    target.need_writes()
    run_chains(chains_schema(target, crms), target, CHAINS, record_property)
