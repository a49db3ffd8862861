"""QS Enrolment's catalogue of deliberate deviations: every wire rule breakable on demand.

The shared mechanism (``core/deviations.py``, switched through
``/__admin/deviations`` and stored in the database) is being built in
parallel; until it lands, ``deviation_on`` here reads the set of active
``(rule, variant)`` pairs kept in ``app.extensions["qses_deviations"]``, which
tests fill in-process (the broken-variant pattern). The call sites are the
same either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_app_context

try:  # the shared mechanism, once merged
    from ..core.deviations import Deviation, deviation_on  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - exercised until the core lands

    @dataclass(frozen=True)
    class Deviation:  # type: ignore[no-redef]
        rule: str
        description: str
        variant: str = "default"

    def deviation_on(rule: str, variant: str | None = None) -> bool:  # type: ignore[misc]
        """Inside a request: is this deviation active (in-process registry)?"""
        if not has_app_context():
            return False
        active = current_app.extensions.get("qses_deviations") or set()
        return any(r == rule and (variant is None or v == variant) for r, v in active)


DEVIATIONS: tuple[Deviation, ...] = (
    Deviation("QS-01", "answers preflights 200 and sends Access-Control-Allow-Origin: *"),
    Deviation("QS-02", "answers Content-Type application/json without the charset"),
    Deviation("QS-03", "a body that is not JSON is a 400 model-state error, not a 415"),
    Deviation("QS-04", "the username is compared case-sensitively"),
    Deviation("QS-05", "tokens never expire"),
    Deviation("QS-06", "the diagnostics endpoints demand a token too"),
    Deviation("QS-07", "endpoint grants are ignored: every account may call everything"),
    Deviation("QS-08", "Meta.TotalCount is always counted, asked for or not"),
    Deviation("QS-09", "a single record is answered bare, without the {Data, Meta} envelope"),
    Deviation("QS-10", "POST answers 200 without a Location header"),
    Deviation("QS-11", "PUT keeps the stored value of a field the body leaves out"),
    Deviation("QS-12", "one counter per client address for all endpoints together"),
    Deviation("QS-13", "past a throttle: a JSON body and the standard reason phrase"),
)
