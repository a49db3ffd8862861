"""The sample workflow: status transitions and the QC gates that guard reporting.

Where the guide leaves the domain open we model it as a LIMS does (written
into ``spec/aliquora.yaml``): statuses move forward only, ``completed`` needs
every result entered, ``verified`` every result verified; a sample is reported
only when every gate passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import serializers

STATUSES = ("pending", "received", "processing", "completed", "verified")
TEST_STATUSES = ("pending", "completed", "verified")


def transition_problem(current: str, target: str, tests: list[Any]) -> str | None:
    """Why ``current`` may not become ``target``, or None when it may."""
    if STATUSES.index(target) < STATUSES.index(current):
        return f"A sample cannot go back from '{current}' to '{target}'."
    if target == "completed" and any(test.result is None for test in tests):
        return "Every scheduled test needs a result before the sample is completed."
    if target == "verified" and any(test.status != "verified" for test in tests):
        return "Every scheduled test must be verified before the sample is verified."
    return None


@dataclass(frozen=True)
class Gate:
    name: str
    passed: bool
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


def qc_gates(tests: list[Any], checks: list[Any]) -> list[Gate]:
    """The gates a sample must pass before it is reported (AQ-18)."""
    unverified = [test.code for test in tests if test.status != "verified"]
    out_of_spec = [
        test.code
        for test in tests
        if serializers.within_spec(test.result, test.result_type, test.spec_min, test.spec_max)
        is False
    ]
    failed_checks = [check.name for check in checks if not check.passed]
    return [
        Gate(
            "results_verified",
            bool(tests) and not unverified,
            "No tests are scheduled." if not tests else _listing("Not verified", unverified),
        ),
        Gate("within_spec", not out_of_spec, _listing("Outside spec limits", out_of_spec)),
        Gate("lab_qc_checks", not failed_checks, _listing("Failed QC checks", failed_checks)),
    ]


def _listing(label: str, names: list[str]) -> str:
    return f"{label}: {', '.join(names)}." if names else "All passed."
