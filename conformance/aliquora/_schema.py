"""Schemathesis against any target, from OUR spec (``spec/aliquora.yaml``).

Checks count only where a rule or our spec promises them: no 5xx ever
(AQ-29, any target); statuses, content types, headers and bodies as our spec
writes them (our choices, so against our mock only). Failures are re-raised
as one ``AssertionError`` naming the rule, from one line, so Hypothesis
reports a single failure whose first line is the rule id.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from importlib.resources import as_file, files
from typing import Any

import requests
import schemathesis
from schemathesis import Case
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .. import generated
from ..generated import authorize, rule_check, within_request_limits
from ..target import Target
from ._client import MockAdmin

LIST_OPERATIONS = ["listSamples", "listSampleTests", "listSampleApprovals",
                   "listTestDefinitions", "listMaterialTypes", "listStorageLocations",
                   "listProjects", "listClients"]
#: Hypothesis budget per operation: small by default, larger for scheduled runs.
PROFILES: dict[str, dict[str, Any]] = {
    "default": {"max-examples": 10, "deterministic": True, "no-shrink": True},
    "large": {"max-examples": 150, "deterministic": False, "no-shrink": False},
}
#: ... and against other targets, whose rate limit the rest of the suite shares.
REMOTE_MAX_EXAMPLES = {"default": 5, "large": 25}
#: Schemathesis' coverage phase (every boundary and negation): scheduled runs only.
COVERAGE = {"default": False, "large": True}
KEY_USES = 100  # a fresh mock key before the 120/min window of the last one fills
PACE = 0.75  # seconds between requests against other targets (80 a minute)


def profile_name() -> str:
    name = os.environ.get("APIDOUBLE_HYPOTHESIS_PROFILE", "default")
    return name if name in PROFILES else "default"


def config(target: Target, stateful: bool = False) -> SchemathesisConfig:
    # Keys are the subject of AQ-02's own tests: generated cases keep a valid one.
    generation = {**PROFILES[profile_name()], "mode": "all", "database": "none",
                  "with-security-parameters": False}
    if not target.is_mock:
        generation["max-examples"] = REMOTE_MAX_EXAMPLES[profile_name()]
    fuzzing = {"extra-data-sources": {"responses": False}}  # never aim at other tests' records
    # Without permission to write, only reads are sent (filters set in code would be
    # replaced by the lazy schema's; an [[operations]] entry in the config is not).
    read_only = [] if target.is_mock or target.allow_writes else \
        [{"exclude-method": "GET", "enabled": False}]
    return SchemathesisConfig.from_dict({
        "operations": read_only,
        **({"seed": 20260618} if generation["deterministic"] else {}),
        "suppress-health-check": ["all"],
        "generation": generation,
        "phases": {"coverage": {"enabled": COVERAGE[profile_name()]},
                   "stateful": {"enabled": stateful},
                   "fuzzing": fuzzing},
        "warnings": False,
    })


def spec_file() -> AbstractContextManager[Any]:
    return as_file(files("apidouble.spec") / "aliquora.yaml")


def load(target: Target, stateful: bool = False) -> Any:
    """Our spec, with auth registered on this schema only; GETs only unless writes are allowed."""
    with spec_file() as path:
        schema = schemathesis.openapi.from_path(path, config=config(target, stateful))
    keys = KeyRing(target)

    return authorize(schema, lambda: f"Bearer {keys.next()}")


class KeyRing:
    """Keys for schemathesis: fresh mock keys every ``KEY_USES`` requests, else the user's
    key at a pace that leaves room under its 120/min for the rest of the suite."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.lock = threading.Lock()
        self.key = "" if target.is_mock else target.need("api_key", "a key with API access")
        self.uses = 0
        self.last = 0.0

    def next(self) -> str:
        with self.lock:
            if self.target.is_mock:
                if not self.key or self.uses >= KEY_USES:
                    fresh = MockAdmin(self.target, "AQ-26, AQ-29").fresh_client(
                        "api_key", "schemathesis")
                    self.key = str(fresh.key)
                    self.uses = 0
            else:
                time.sleep(max(0.0, self.last + PACE - time.monotonic()))
                self.last = time.monotonic()
            self.uses += 1
            return str(self.key)


# --- checks in schemathesis' shape, each failure naming its rule ------------------------


def no_server_error(rule: str) -> list[CheckFunction]:
    return [rule_check(rule, not_a_server_error)]


def our_spec(rule: str) -> list[CheckFunction]:
    """Statuses, content types, headers and bodies as our spec writes them (our choices)."""
    return [rule_check(rule, check, within_request_limits) for check in
            (status_code_conformance, content_type_conformance,
             response_headers_conformance, response_schema_conformance)]


def runner(checks: list[CheckFunction]) -> Callable[[Case, Target, requests.Session], None]:
    return generated.runner(checks, default_rule="AQ-29")
