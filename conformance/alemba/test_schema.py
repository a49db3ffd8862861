"""Schemathesis runs of our spec against the target (GET operations only: they write nothing).

Every target must never answer ``500`` to any input our spec allows (AL-18 for
``$filter``, AL-25 for the documented statuses). Only our own mock is also
held to our spec's statuses, content types and response schemas. Small and
derandomized by default; ``--hypothesis-profile large`` for scheduled runs.
"""

from __future__ import annotations

import os
from importlib import resources
from typing import Any

import pytest

from ..target import Target
from ._client import API, Session

#: generated requests: these tests can fail a rule, never make it pass
pytestmark = [pytest.mark.generated]
EXAMPLES = {"default": 6, "large": 150}
STATUSES = {200, 201, 304, 400, 401, 403, 404, 405, 415, 500}


def spec_path() -> str:
    return str(resources.files("apidouble.spec").joinpath("alemba.yaml"))


@pytest.fixture(scope="module")
def schema(analyst: Session) -> Any:
    import schemathesis  # imported when used: collecting the suite stays quick

    loaded = schemathesis.openapi.from_path(spec_path())
    reads = loaded.include(method="GET").exclude(path_regex="^/oauth")

    @reads.auth()
    class AnalystToken:
        """The shared analyst session's access token, renewed when it has died."""

        def get(self, case: Any, ctx: Any) -> str:
            return analyst.access_token

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return reads


def run_operations(schema: Any, base_url: str, checks: list[Any], analyst: Session) -> None:
    from hypothesis import HealthCheck, Phase, given, settings

    examples = EXAMPLES.get(os.environ.get("APIDOUBLE_HYPOTHESIS_PROFILE", "default"), 6)
    analyst.renew()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            response = case.call(base_url=base_url)
            case.validate_response(response, checks=checks)

        try:
            check()
        except Exception as error:  # a FailureGroup or an assertion, with its reproduction
            failures.append(f"{operation.label}: {str(error).strip()[:600]}")
    assert not failures, "\n".join(failures)


@pytest.mark.rule("AL-18", "AL-25")
def test_no_input_causes_a_server_error(schema: Any, target: Target, analyst: Session) -> None:
    from schemathesis.checks import not_a_server_error

    try:
        run_operations(schema, target.base_url + API, [not_a_server_error], analyst)
    except AssertionError as error:
        raise AssertionError(f"AL-18/AL-25: a generated request got a 500: {error}") from None


@pytest.mark.rule("AL-25")
def test_responses_match_our_spec(schema: Any, target: Target, analyst: Session) -> None:
    target.need_mock("our spec's statuses and shapes bind only our own mock")
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    try:
        run_operations(schema, target.base_url + API, checks, analyst)
    except AssertionError as error:
        raise AssertionError(f"AL-25: a response does not match spec/alemba.yaml: {error}") \
            from None
