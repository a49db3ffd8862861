"""AlisQI's catalogue of deliberate deviations: one per rule checked on the wire.

While a deviation is on (``POST <base>/__admin/deviations {"rule", "variant"}``),
the mock breaks that rule in a realistic way, so ``apidouble check alisqi``
must report the rule failed.
"""

from __future__ import annotations

from ..core.deviations import Deviation, deviation_on

DEVIATIONS: tuple[Deviation, ...] = (
    Deviation("AS-01", "getSpecificationEvaluation is not served (404)"),
    Deviation("AS-02", "number fields accept any text: 'abc' is stored"),
    Deviation("AS-03", "getSetDefinition leaves out the set's fields"),
    Deviation("AS-04", "storeResults answers one entry for the whole call, not one per result"),
    Deviation("AS-05", "specifications are accepted for selection lists too"),
    Deviation("AS-06", "getStatistics leaves the newest result out of every figure"),
    Deviation("AS-07", "Cpk uses the specification in force now for every result"),
    Deviation("AS-08", "a read-only token may storeResults"),
    Deviation("AS-09", "IP whitelists are ignored"),
    Deviation("AS-11", "dates come back in local time (UTC+1)"),
    Deviation("AS-12", "the rate limit is never enforced"),
    Deviation("AS-12", "the X-RateLimit-* headers are missing", "headers"),
)

__all__ = ["DEVIATIONS", "Deviation", "deviation_on"]
