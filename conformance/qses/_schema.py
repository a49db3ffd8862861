"""Schemathesis against any target, from OUR spec (``spec/qses.yaml``).

No 5xx and JSON with charset on every answer that has a body (QS-02, any
target); statuses, headers and bodies as our spec writes them against our
mock only (our choices). Failures are re-raised as one ``AssertionError``
naming the rule.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from importlib.resources import as_file, files
from typing import Any

import requests
import schemathesis
from schemathesis import Case
from schemathesis.checks import CheckContext, CheckFunction, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .. import generated
from ..generated import authorize, rule_check, within_request_limits
from ..target import Target
from ._client import JSON_UTF8, Crms

PROFILES: dict[str, dict[str, Any]] = {
    "default": {"max-examples": 5, "deterministic": True, "no-shrink": True},
    "large": {"max-examples": 120, "deterministic": False, "no-shrink": False},
}
REMOTE_MAX_EXAMPLES = {"default": 4, "large": 20}
PACE = 0.25  # seconds between requests against other targets (well under 10 a second)
TOKEN_USES = 200


def profile_name() -> str:
    name = os.environ.get("APIDOUBLE_HYPOTHESIS_PROFILE", "default")
    return name if name in PROFILES else "default"


def config(target: Target) -> SchemathesisConfig:
    generation = {**PROFILES[profile_name()], "mode": "all", "database": "none",
                  "with-security-parameters": False}
    if not target.is_mock:
        generation["max-examples"] = REMOTE_MAX_EXAMPLES[profile_name()]
    read_only = [] if target.is_mock or target.allow_writes else \
        [{"exclude-method": "GET", "enabled": False}]
    return SchemathesisConfig.from_dict({
        "operations": read_only,
        **({"seed": 20260618} if generation["deterministic"] else {}),
        "suppress-health-check": ["all"],
        "generation": generation,
        "phases": {"coverage": {"enabled": profile_name() == "large"},
                   "stateful": {"enabled": False},
                   "fuzzing": {"extra-data-sources": {"responses": False}}},
        "warnings": False,
    })


def load(target: Target, crms: Crms) -> Any:
    with as_file(files("apidouble.spec") / "qses.yaml") as path:
        schema = schemathesis.openapi.from_path(path, config=config(target))
    tokens = TokenRing(target, crms)

    return authorize(schema, lambda: f"Bearer {tokens.next()}")


class TokenRing:
    """The main account's token, renewed now and then (the mock's clock may expire it);
    against other targets paced well under the per-second throttle."""

    def __init__(self, target: Target, crms: Crms) -> None:
        self.target, self.crms = target, crms
        self.lock = threading.Lock()
        self.token, self.uses, self.last = "", 0, 0.0

    def next(self) -> str:
        with self.lock:
            if not self.token or self.uses >= TOKEN_USES:
                self.token, self.uses = self.crms.fresh_token(), 0
            if not self.target.is_mock:
                time.sleep(max(0.0, self.last + PACE - time.monotonic()))
                self.last = time.monotonic()
            self.uses += 1
            return self.token


class NotJson(Failure):
    """A response with a body that is not ``application/json; charset=utf-8``."""

    def __init__(self, operation: str, content_type: str) -> None:
        super().__init__(operation=operation, title="Not JSON with charset",
                         message=f"Content-Type {content_type!r}, expected {JSON_UTF8!r}")
        self.content_type = content_type

    @property
    def _unique_key(self) -> str:
        return self.content_type


def json_with_charset(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    if not response.content:
        return True
    content_type = response.headers.get("content-type", [""])[0]
    if content_type.replace(" ", "").lower() != JSON_UTF8.replace(" ", ""):
        raise NotJson(case.operation.label, content_type)
    return True


ANY_TARGET = [rule_check("QS-02", check, within_request_limits)
              for check in (not_a_server_error, json_with_charset)]
OUR_SPEC = [rule_check("QS-02", check, within_request_limits) for check in (
    status_code_conformance, content_type_conformance, response_headers_conformance,
    response_schema_conformance)]


def runner(checks: list[CheckFunction]) -> Callable[[Case, Target, requests.Session], None]:
    return generated.runner(checks, default_rule="QS-02")
