"""What every system's generated (Schemathesis) checks share: a failure that names its
rule, and the HTTP session they send with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from schemathesis import Case
from schemathesis.checks import CheckContext, CheckFunction
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.transport import Response

from .target import USER_AGENT, Target


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


def always(response: Response) -> bool:
    return True


def within_request_limits(response: Response) -> bool:
    """A request line over the server's limit (414) is outside anything our spec promises."""
    return response.status_code != 414


def rule_check(rule: str, check: CheckFunction,
               applies: Callable[[Response], bool] = always) -> CheckFunction:
    """``check`` where ``applies``, its failures re-raised as :class:`RuleViolation`."""
    def ruled(ctx: CheckContext, response: Response, case: Case) -> bool | None:
        if not applies(response):
            return True  # skipped: nothing to check
        try:
            return check(ctx, response, case)
        except FailureGroup as group:
            raise FailureGroup([RuleViolation(rule, f) for f in group.exceptions]) from None
        except Failure as failure:
            raise RuleViolation(rule, failure) from None

    ruled.__name__ = f"{check.__name__}[{rule}]"
    return ruled


def runner(checks: list[CheckFunction], *, default_rule: str
           ) -> Callable[[Case, Target, requests.Session], None]:
    """Call the target with a case and run ``checks``; one AssertionError names the rules
    (``default_rule`` when a failure carries none). Writes only where the target allows."""
    def run(case: Case, target: Target, client: requests.Session) -> None:
        if case.method.upper() != "GET" and not (target.is_mock or target.allow_writes):
            raise RuntimeError(f"apidouble: refusing {case.operation.label} without writes")
        response = case.call(base_url=target.base_url, session=client, timeout=30,
                             allow_redirects=False)
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            failures = [f for f in group.exceptions if isinstance(f, RuleViolation)]
            rules = ", ".join(sorted({f.rule for f in failures})) or default_rule
            titles = "; ".join(sorted({f.cause.title for f in failures}))
            raise AssertionError(f"{rules}: {case.operation.label}: {titles}\n{group}") from None
    return run
