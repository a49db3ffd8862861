"""Aliquora's deviations: one characteristic way to break each rule checked on the wire.

Switched on through ``POST <base>/__admin/deviations``; each call site asks
``deviation_on(rule)`` where the rule's behaviour is decided.
"""

from __future__ import annotations

from ..core.deviations import Deviation

DEVIATIONS: tuple[Deviation, ...] = (
    Deviation("AQ-02", "401 answers carry no WWW-Authenticate header"),
    Deviation("AQ-03", "keys of organisations whose plan lacks API access are let in"),
    Deviation("AQ-21", "a verified result can still be edited: the lock is gone"),
    Deviation("AQ-26", "lists come oldest first within each page"),
    Deviation("AQ-29", "malformed JSON in a body crashes the server: 500 instead of 400"),
)
