"""Property-based checks with Schemathesis, from our spec (AQ-29, AQ-26).

One pytest item per test below, one subtest per operation. A 5xx is never
acceptable from any target (AQ-29). Against our mock, answers must also
match our spec's statuses, content types, headers and schemas: list pages
are reported under AQ-26, every other operation under AQ-29.
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

#: generated requests: these tests can fail a rule, never make it pass
pytestmark = [pytest.mark.generated]
schema = schemathesis.pytest.from_fixture("aliquora_schema")
mock_schema = schemathesis.pytest.from_fixture("aliquora_mock_schema")
no_server_error = _schema.runner(_schema.no_server_error("AQ-29"))
our_errors = _schema.runner(_schema.no_server_error("AQ-29") + _schema.our_spec("AQ-29"))
our_pages = _schema.runner(_schema.our_spec("AQ-26"))


@pytest.fixture(scope="session")
def aliquora_schema(target: Target) -> Any:
    return _schema.load(target)


@pytest.fixture(scope="session")
def aliquora_mock_schema(target: Target) -> Any:
    target.need_mock("the statuses, bodies and headers of our spec are our choices")
    return _schema.load(target)


@pytest.fixture(scope="session")
def http() -> requests.Session:
    return session()


@pytest.mark.rule("AQ-29")
@schema.exclude(operation_id=_schema.LIST_OPERATIONS).parametrize()
def test_operations_answer_without_server_errors(case: Case, target: Target,
                                                 http: requests.Session) -> None:
    (our_errors if target.is_mock else no_server_error)(case, target, http)


@pytest.mark.rule("AQ-29")
@schema.include(operation_id=_schema.LIST_OPERATIONS).parametrize()
def test_lists_answer_without_server_errors(case: Case, target: Target,
                                            http: requests.Session) -> None:
    no_server_error(case, target, http)


@pytest.mark.rule("AQ-26")
@mock_schema.include(operation_id=_schema.LIST_OPERATIONS).parametrize()
def test_list_answers_match_our_spec(case: Case, target: Target,
                                     http: requests.Session) -> None:
    our_pages(case, target, http)
