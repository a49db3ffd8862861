"""The Alemba mock's deviations: for each rule checked on the wire, one characteristic
way a real server gets it wrong, switched on through the admin interface (contract
"Deviations"). Call sites say ``if deviation_on("AL-NN"): ...`` where the rule's
behaviour is decided.

Until the shared ``core.deviations`` lands, a stand-in reads the active rules from
``app.extensions["alemba_deviations"]`` (a set of rule ids), so the catalogue and its
call sites can be tested already.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_app_context

try:
    from ..core.deviations import Deviation, deviation_on  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - replaced by the core module when it lands

    @dataclass(frozen=True)
    class Deviation:  # type: ignore[no-redef]
        rule: str
        description: str
        variant: str = "default"

    def deviation_on(rule: str, variant: str | None = None) -> bool:  # type: ignore[misc]
        if not has_app_context():
            return False
        return rule in current_app.extensions.get("alemba_deviations", ())


CATALOGUE: tuple[Deviation, ...] = (
    Deviation("AL-05", "The scope is matched case-insensitively (session-type:analyst works)"),
    Deviation("AL-06", "An unknown or disabled client_id is 400 invalid_grant, not 401"),
    Deviation("AL-09", "The root metadata has an empty _links"),
    Deviation("AL-10", "Property descriptions lack usage"),
    Deviation("AL-13", "A record lists every action of its entity, whatever its state"),
    Deviation("AL-14", "Search results lack _context"),
    Deviation("AL-15", "$skip is ignored"),
    Deviation("AL-16", "$inlinecount=true adds no __count"),
    Deviation("AL-18", "A $filter the parser refuses becomes a 500"),
    Deviation("AL-21", "$partition is ignored"),
    Deviation("AL-23", "Legacy flags read true only when stored as Y or TRUE"),
    Deviation("AL-25", "Error bodies lack SubStatus"),
    Deviation("AL-26", "Text longer than its length is silently truncated"),
)

__all__ = ["CATALOGUE", "Deviation", "deviation_on"]
