"""QATrack+'s catalogue of deliberate breakages, one per wire-checked rule (contract
"Deviations"): while one is on, the mock does what its description says, at the
point where the rule's behaviour is decided (``deviation_on("QT-NN")``).

``core.deviations`` (helper "standin") stores which are on; until that lands on
main, ``deviation_on`` here answers False, so the call sites are inert.
"""

from __future__ import annotations

from dataclasses import dataclass

try:  # pragma: no cover - whichever exists on this branch
    from ..core.deviations import Deviation, deviation_on  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    @dataclass(frozen=True)
    class Deviation:  # type: ignore[no-redef]
        rule: str
        description: str
        variant: str = "default"

    def deviation_on(rule: str, variant: str | None = None) -> bool:  # type: ignore[misc]
        return False


DEVIATIONS: tuple[Deviation, ...] = (
    Deviation("QT-01", "get-token answers 401 'Invalid credentials.' for a wrong password"),
    Deviation("QT-02", "an unknown token answers 'Token is not valid.'"),
    Deviation("QT-03", "a user without add_testlistinstance may perform (no 403)"),
    Deviation("QT-04", "the browsable API answers JSON to a browser"),
    Deviation("QT-05", "the schema lists only /api/get-token/, even with a token"),
    Deviation("QT-06", "units link their type and site by id, not by URL"),
    Deviation("QT-07", "details of qa resources answer 404"),
    Deviation("QT-08", "next points back at the first page: paging never ends"),
    Deviation("QT-09", "filters are ignored: every list answers everything"),
    Deviation("QT-10", "work_started is ignored: the instance starts now"),
    Deviation("QT-11", "composite tests are not calculated (their value is null)"),
    Deviation("QT-12", "pass_fail says 'No Tolerance' instead of 'No Tol Set'"),
    Deviation("QT-13", "a cycle day out of range is accepted (clamped to the last day)"),
    Deviation("QT-14", "a test left out is accepted as not done"),
    Deviation("QT-15", "invalid base64 in an upload is stored as text"),
    Deviation("QT-16", "attachments are dropped"),
    Deviation("QT-17", "a duplicate user_key is accepted (a second instance is created)"),
)

__all__ = ["DEVIATIONS", "Deviation", "deviation_on"]
