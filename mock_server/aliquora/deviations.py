"""Aliquora's deviations: one characteristic way to break each rule checked on the wire.

Switched on through ``POST <base>/__admin/deviations``; each call site asks
``deviation_on(rule)`` where the rule's behaviour is decided.
"""

from __future__ import annotations

from ..core.deviations import Deviation

DEVIATIONS: tuple[Deviation, ...] = (
    Deviation("AQ-01", "discovery leaves out one of the routes the server serves"),
    Deviation("AQ-02", "401 answers carry no WWW-Authenticate header"),
    Deviation("AQ-03", "keys of organisations whose plan lacks API access are let in"),
    Deviation("AQ-04", "new keys are masked as lk_ + 12 characters, not 8"),
    Deviation("AQ-05", "a revoked key keeps working"),
    Deviation("AQ-07", "whoami says version \"1\" instead of \"v1\""),
    Deviation("AQ-08", "a key reads and changes another organisation's records by id"),
    Deviation("AQ-09", "the sample list ignores its status filter"),
    Deviation("AQ-10", "a sample is returned without its scheduled tests"),
    Deviation("AQ-11", "new samples get tracking ids like S1234, not S-YYYY-NNNNNN"),
    Deviation("AQ-12", "an unknown reference in a body is 404 not_found, not 400 "
                       "invalid_reference"),
    Deviation("AQ-13", "composite-identifier projects accept samples without plantLocation"),
    Deviation("AQ-14", "past the monthly allowance: 403 forbidden without code "
                       "SAMPLE_LIMIT_EXCEEDED"),
    Deviation("AQ-15", "PATCH /samples/:id with a status changes the sample's status"),
    Deviation("AQ-16", "status values are accepted in any letter case (\"RECEIVED\")"),
    Deviation("AQ-17", "receiving several samples receives only the first listed"),
    Deviation("AQ-18", "a sample is reported although its QC gate fails"),
    Deviation("AQ-19", "the approvals list comes as {approvals: [...]}, not {data: [...]}"),
    Deviation("AQ-20", "the sample-test list ignores its status filter"),
    Deviation("AQ-21", "a verified result can still be edited: the lock is gone"),
    Deviation("AQ-22", "verifying answers 200 but leaves the result completed, unlocked"),
    Deviation("AQ-23", "bulk results change verified (locked) tests too"),
    Deviation("AQ-24", "an instrument upload with dryRun=true writes its matches anyway"),
    Deviation("AQ-25", "test definitions are listed without their unit"),
    Deviation("AQ-26", "lists come oldest first within each page"),
    Deviation("AQ-27", "no per-key request limit: never a 429"),
    Deviation("AQ-28", "no separate instrument upload limit"),
    Deviation("AQ-29", "malformed JSON in a body crashes the server: 500 instead of 400"),
)
