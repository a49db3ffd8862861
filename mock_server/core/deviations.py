"""Deviations: every documented rule the mock keeps can be broken on demand.

A system declares its catalogue (``SystemProfile.deviations``), one
:class:`Deviation` per characteristic way of breaking a rule, and asks
:func:`deviation_on` at the point where the rule's behaviour is decided::

    if deviation_on("AQ-26"):
        rows.reverse()          # oldest first: the documented order is broken

Which deviations are on is kept in the stand-in store (:mod:`.standin`) in the
system's database, so every worker agrees; a request reads it at most once
(cached on ``flask.g``). ``POST <base>/__admin/deviations`` switches one on,
``DELETE`` switches all off, and a reset does too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import fastctx

DEFAULT_VARIANT = "default"


@dataclass(frozen=True)
class Deviation:
    rule: str  # "AQ-26"
    description: str  # what the mock does wrong while this is on
    variant: str = DEFAULT_VARIANT  # a short slug where a rule has several

    @property
    def key(self) -> str:
        return f"{self.rule}/{self.variant}"


def active_deviations() -> frozenset[str]:
    """Inside a request: the keys (``RULE/variant``) of every deviation that is on.

    Code that keeps something built under the documented behaviour (a prepared
    statement, say) keeps it only while this is empty.
    """
    app = fastctx.app_or_none()
    if app is None:
        return frozenset()
    return app.extensions["apidouble"].standin.snapshot().deviations  # type: ignore[no-any-return]


def deviation_on(rule: str, variant: str | None = None) -> bool:
    """Inside a request: is this deviation active? (one cheap read per request)

    ``variant`` None asks whether *any* variant of ``rule`` is on; a rule with
    several variants should name the one its call site implements.
    Outside an app context (a script, a seed) nothing is ever on.
    """
    active = active_deviations()
    if not active:
        return False
    if variant is not None:
        return f"{rule}/{variant}" in active
    prefix = rule + "/"
    return any(key.startswith(prefix) for key in active)


def find(catalogue: Iterable[Deviation], rule: str, variant: str | None) -> Deviation | None:
    """The catalogue entry for ``rule`` (and ``variant``; None: the rule's first variant)."""
    for deviation in catalogue:
        if deviation.rule == rule and variant in (None, deviation.variant):
            return deviation
    return None


def describe(deviation: Deviation, active: bool) -> dict[str, object]:
    return {"rule": deviation.rule, "variant": deviation.variant,
            "description": deviation.description, "active": active}
