"""Property-based checks with Schemathesis, from our spec (QS-02).

Any target: no 5xx, and every answer with a body is JSON with charset.
Against our mock: statuses, headers and bodies as our spec writes them.
The token call is left out: its tests send its exact form.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from schemathesis import Case

from apidouble.conformance.target import Target

from ..generated import session
from . import _schema
from ._client import Crms

pytestmark = [pytest.mark.generated]
schema = schemathesis.pytest.from_fixture("qses_schema")
any_target = _schema.runner(_schema.ANY_TARGET)
our_mock = _schema.runner(_schema.ANY_TARGET + _schema.OUR_SPEC)


@pytest.fixture(scope="session")
def qses_schema(target: Target, crms: Crms) -> Any:
    return _schema.load(target, crms)


@pytest.fixture(scope="session")
def http() -> requests.Session:
    return session()


@pytest.mark.rule("QS-02")
@schema.exclude(operation_id=["getToken"]).parametrize()
def test_operations_answer_json(case: Case, target: Target, http: requests.Session) -> None:
    (our_mock if target.is_mock else any_target)(case, target, http)
