"""AlisQI's catalogue of deliberate deviations: one per rule checked on the wire.

While a deviation is on, the mock breaks that rule in a realistic way, so
``apidouble check alisqi`` must report the rule failed. Until the shared
``core.deviations`` lands, an in-process switch stands in for it: the set
``app.extensions["apidouble_deviations"]`` of ``(rule, variant)`` pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_app_context

try:  # the shared mechanism (owner "standin"), once merged
    from ..core.deviations import Deviation, deviation_on  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - exercised until the merge

    @dataclass(frozen=True)
    class Deviation:  # type: ignore[no-redef]
        rule: str
        description: str
        variant: str = "default"

    def deviation_on(rule: str, variant: str | None = None) -> bool:  # type: ignore[misc]
        if not has_app_context():
            return False
        active = current_app.extensions.get("apidouble_deviations") or set()
        return (rule, variant or "default") in active


DEVIATIONS: tuple[Deviation, ...] = (
    Deviation("AS-01", "getSpecificationEvaluation is not served (404)"),
    Deviation("AS-02", "number fields accept any text: 'abc' is stored"),
    Deviation("AS-03", "getSetDefinition leaves out the set's fields"),
    Deviation("AS-04", "storeResults answers one entry for the whole call, not one per result"),
    Deviation("AS-05", "specifications are accepted for selection lists too"),
    Deviation("AS-06", "getStatistics gives the population standard deviation as sample"
              " but over every result but the first"),
    Deviation("AS-07", "Cpk uses the specification in force now for every result"),
    Deviation("AS-08", "a read-only token may storeResults"),
    Deviation("AS-09", "IP whitelists are ignored"),
    Deviation("AS-11", "dates come back in local time (UTC+1)"),
    Deviation("AS-12", "the rate limit is never enforced"),
    Deviation("AS-12", "the X-RateLimit-* headers are missing", "headers"),
)

__all__ = ["DEVIATIONS", "Deviation", "deviation_on"]
