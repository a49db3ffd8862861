"""Fixtures of the CRMS suite: logged-in clients and a contact to read."""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from . import IDENTITIES
from ._client import Crms, MockAdmin


@pytest.fixture(scope="session")
def crms(target: Target) -> Crms:
    """The main account (granted every endpoint the suite calls)."""
    return Crms(target, target.need("username", IDENTITIES["username"]),
                target.need("password", IDENTITIES["password"]))


@pytest.fixture(scope="session")
def limited(target: Target) -> Crms:
    return Crms(target, target.need("limited_username", IDENTITIES["limited_username"]),
                target.need("limited_password", IDENTITIES["limited_password"]))


@pytest.fixture
def admin(target: Target, rules: str) -> MockAdmin:
    return MockAdmin(target, rules)


@pytest.fixture(scope="session")
def some_contact(crms: Crms) -> dict[str, Any]:
    """A contact with an e-mail address, from the first page of the search."""
    found = [c for c in crms.data("/contacts", limit=20) if c.get("EmailAddress")
             and isinstance(c.get("CrmNumber"), int)]
    if not found:
        pytest.skip("not checkable: the first page of contacts has none with an e-mail address")
    return found[0]
