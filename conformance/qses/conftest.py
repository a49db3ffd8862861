"""Fixtures of the CRMS suite: logged-in clients and a contact to read."""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from . import IDENTITIES
from ._client import Crms, MockAdmin


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "generated: verdicts from generated requests")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``-k QS_07`` (or ``-k QS-07``) selects the tests of a rule."""
    for item in items:
        for mark in item.iter_markers("rule"):
            item.extra_keyword_matches.update(
                name for rule in mark.args for name in (rule, rule.replace("-", "_")))


@pytest.fixture
def rules(request: pytest.FixtureRequest) -> str:
    ids = [rule for mark in request.node.iter_markers("rule") for rule in mark.args]
    return ", ".join(ids) or "setup"


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
