"""Fixtures of the AlisQI suite: clients bound to tokens and the target's installation.

Against our mock every test gets a fresh token of the main identity's user
(made through ``/__admin/tokens``), so no test eats into another's
30-a-minute window; against any other target the tokens are the user's.
"""

from __future__ import annotations

import pytest

from apidouble.conformance.target import Target

from . import IDENTITIES
from ._client import AlisQI, MockAdmin
from ._model import Installation


def client_for(target: Target, identity: str) -> AlisQI:
    return AlisQI(target, target.need(identity, IDENTITIES[identity]))


@pytest.fixture
def admin(target: Target, rules: str) -> MockAdmin:
    return MockAdmin(target, rules)


@pytest.fixture
def api(target: Target, rules: str, request: pytest.FixtureRequest) -> AlisQI:
    if target.is_mock:
        return MockAdmin(target, rules).fresh_client("token", request.node.name[:40])
    return client_for(target, "token")


@pytest.fixture(scope="session")
def installation(target: Target) -> Installation:
    if target.is_mock:
        client = MockAdmin(target).fresh_client("token", "discovery")
    else:
        client = client_for(target, "token")
    return Installation.discover(client, target)
