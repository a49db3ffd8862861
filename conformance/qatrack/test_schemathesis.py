"""Property-based checks of every operation against OUR spec (spec/qatrack.yaml).

Against any target: no operation answers a server error (reported under the
operation's first ``x-rules`` entry). Against our mock also: status codes,
content types, headers and bodies as the spec documents them. Only GET
operations are exercised, except against our mock, where the perform and
PATCH operations are too. ``APIDOUBLE_HYPOTHESIS_PROFILE=large`` generates more.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from typing import Any

import hypothesis
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apidouble.conformance.generated import authorize
from apidouble.conformance.qatrack._api import Api
from apidouble.conformance.target import Target

#: generated requests: these tests can fail a rule, never make it pass
pytestmark = [pytest.mark.generated]
SPEC = resources.files("apidouble.spec").joinpath("qatrack.yaml")
pytestmark = [pytest.mark.generated]

PROFILES = {"default": 4, "large": 60}
#: operations the real server is known to fail on (reference: /api/schema/ answers 500)
REAL_SERVER_ERRORS = {("GET", "/api/schema/")}
#: the operations the vendor's guide documents; a 500 elsewhere on another server is a note
#: (reference: 3.1.1's ``qa/searcher/test/`` without ``q`` answers 500), not a failed rule
GUIDE_PATHS = {"/api/", "/api/get-token/", "/api/schema/", "/api/units/units/",
               "/api/units/units/{id}/", "/api/qa/testlists/", "/api/qa/testlists/{id}/",
               "/api/qa/unittestcollections/", "/api/qa/testinstances/",
               "/api/qa/testlistinstances/"}
MOCK_WRITES = {("POST", "/api/qa/testlistinstances/"), ("PATCH", "/api/qa/testlistinstances/{id}/")}


def _operations() -> list[Any]:
    document = yaml.safe_load(SPEC.read_text("utf-8"))
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            key = (method.upper(), path)
            if method != "get" and key not in MOCK_WRITES:
                continue
            rule = (operation.get("x-rules") or ["QT-07"])[0]
            found.append(pytest.param(key, rule, id=f"{method.upper()} {path}",
                                      marks=pytest.mark.rule(rule)))
    return found


@cache
def _schema(token: str) -> Any:
    schema = schemathesis.openapi.from_path(str(SPEC))

    return authorize(schema, lambda: f"Token {token}")


def _settings() -> settings:
    name = os.environ.get("APIDOUBLE_HYPOTHESIS_PROFILE", "default")
    return settings(max_examples=PROFILES.get(name, PROFILES["default"]), deadline=None,
                    derandomize=name != "large", database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize(("operation", "rule"), _operations())
def test_operation(target: Target, api: Api, operation: tuple[str, str], rule: str) -> None:
    method, path = operation
    if method != "GET":
        target.need_mock("random writes are sent only to our own mock")
    schema_operation = _schema(api.token or "")[path][method]
    checks = [not_a_server_error]
    if target.is_mock:
        checks += [status_code_conformance, content_type_conformance,
                   response_headers_conformance, response_schema_conformance]
    elif operation in REAL_SERVER_ERRORS:
        pytest.skip("not checkable: the real server's schema endpoint may answer 500")

    notes: list[str] = []

    @hypothesis.given(case=schema_operation.as_strategy())
    @_settings()
    def run(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url=target.base_url)
        response = target.request(kwargs.pop("method"), kwargs.pop("url"), **kwargs)
        if not target.is_mock and path not in GUIDE_PATHS and response.status_code >= 500:
            notes.append(f"{response.status_code} for {response.request.url}")
            return
        try:
            case.validate_response(schemathesis.Response.from_requests(response, verify=True),
                                   checks=checks)
        except (AssertionError, FailureGroup) as failure:
            first = str(failure).strip().splitlines()[0] if str(failure).strip() else "failed"
            raise AssertionError(f"{rule}: {method} {path}: {first}\n{failure}") from None

    run()
    if notes:
        pytest.skip(f"not checkable: note: {method} {path}, which the guide does not document, "
                    f"answered {notes[0]} ({len(notes)} of the generated requests)")
