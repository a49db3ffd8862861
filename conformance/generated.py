"""What every system's generated (Schemathesis) checks share: a failure that names its
rule, and the HTTP session they send with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from schemathesis import Case
from schemathesis.core.failures import Failure

from .target import USER_AGENT


class RuleViolation(Failure):
    """A schemathesis failure that breaks a documented rule or a promise of our spec."""

    code = "ST990"
    kind_title = "Documented behaviour violated"

    def __init__(self, rule: str, cause: Failure) -> None:
        super().__init__(operation=cause.operation, title=f"{rule}: {cause.title}",
                         message=cause.message, case_id=cause.case_id, severity=cause.severity)
        self.rule, self.cause = rule, cause

    @property
    def _unique_key(self) -> str:
        return f"{type(self.cause).__name__}:{self.cause._unique_key}"


def session() -> requests.Session:
    """A session identified as the conformance suite (servers may log who called)."""
    client = requests.Session()
    client.headers["User-Agent"] = USER_AGENT
    return client


def authorize(schema: Any, header: Callable[[], str]) -> Any:
    """Register, on this schema only, an auth that sends ``Authorization: header()``
    with every generated request (a fresh value each time, e.g. a rotating key)."""

    @schema.auth(refresh_interval=None)
    class Authorization:
        def get(self, case: Case, context: Any) -> str:
            return header()

        def set(self, case: Case, data: str, context: Any) -> None:
            case.headers["Authorization"] = data

    return schema
