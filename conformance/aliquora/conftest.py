"""Fixtures of the Aliquora suite: clients bound to keys, reference data, a sample factory.

Against our mock every test gets a fresh key of the main organisation (made
through ``/__admin/keys``), so no test eats into another's rate window; against
any other target the keys are the ones the user gave.
"""

from __future__ import annotations

import pytest

from apidouble.conformance.target import Target

from . import IDENTITIES
from ._client import Aliquora, MockAdmin
from ._data import Catalog, SampleFactory


def client_for(target: Target, identity: str) -> Aliquora:
    return Aliquora(target, target.need(identity, IDENTITIES[identity]))


@pytest.fixture
def admin(target: Target, rules: str) -> MockAdmin:
    """Our mock's admin side; skips as not checkable against anything else."""
    return MockAdmin(target, rules)


@pytest.fixture
def api(target: Target, rules: str, request: pytest.FixtureRequest) -> Aliquora:
    """The main identity: a key of an organisation with API access."""
    if target.is_mock:
        return MockAdmin(target, rules).fresh_client("api_key", request.node.name[:60])
    return client_for(target, "api_key")


@pytest.fixture
def other_api(target: Target) -> Aliquora:
    """A key of a second organisation (tenant isolation)."""
    return client_for(target, "second_api_key")


@pytest.fixture(scope="session")
def catalog(target: Target) -> Catalog:
    """The main organisation's reference data (read once per worker)."""
    return Catalog.discover(client_for(target, "api_key"))


@pytest.fixture
def make_sample(api: Aliquora, catalog: Catalog, rules: str) -> SampleFactory:
    """``make_sample(tests=2)`` creates a sample of the main organisation (needs writes)."""
    return SampleFactory(api, catalog, rules)


@pytest.fixture
def make_other_sample(other_api: Aliquora, rules: str) -> SampleFactory:
    """The same, in the second organisation."""
    return SampleFactory(other_api, Catalog.discover(other_api), rules)
