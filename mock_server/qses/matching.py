"""Deterministic contact matching for the processes (upsert, update, preference, preprocess).

A candidate is any contact that shares the incoming contact's
``StudentInstitutionId``, e-mail address (case-insensitive) or mobile number
(its last nine digits). Each field that agrees adds its weight to the score:

======================  ======
StudentInstitutionId      82
EmailAddress              60
Mobile                    25
DateOfBirth               22
CountryOfCitizenship       5
======================  ======

A candidate is *confirmed* when its score reaches
``contactMatchingMinConfirmedScore`` (82) and the name similarity reaches
``contactMatchingMinNameSimilarity`` (0.4). Name similarity is rapidfuzz's
``token_sort_ratio`` / 100 of "Name Surname" against the candidate's
"Name Surname" and "Alias Surname" (the better of the two), after rapidfuzz's
default processing (lower case, non-alphanumerics as spaces). The best
confirmed candidate wins: highest score, then similarity, then lowest
CrmNumber. A ``CrmNumber`` in the body that exists identifies that contact
outright (score 100, similarity 1). With ``contactMatchingEnabled=false`` only
that identification applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rapidfuzz import fuzz, utils
from sqlalchemy.engine import Connection

from ..core import current_core
from . import store
from .contact_dto import email_key, mobile_key

WEIGHTS = {"student_institution_id": 82, "email": 60, "mobile": 25, "date_of_birth": 22,
           "country_of_citizenship": 5}
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class Settings:
    enabled: bool = True
    min_score: int = 82
    min_similarity: float = 0.4


@dataclass(frozen=True)
class Match:
    crm_number: int
    score: int
    similarity: float


def name_similarity(incoming: str, row: Any) -> float:
    """``incoming``: "Name Surname" of the incoming contact, already processed."""
    names = [f"{row.name or ''} {row.surname or ''}"]
    if row.alias:
        names.append(f"{row.alias} {row.surname or ''}")
    best = max(fuzz.token_sort_ratio(incoming, utils.default_process(name), processor=None)
               for name in names)
    return round(best / 100.0, 4)


def evidence(values: dict[str, Any]) -> list[tuple[str, Any, int]]:
    """(candidate column, value it must have, weight) of each field the incoming contact
    gives; computed once, then compared with every candidate."""
    given = [("student_institution_id", values.get("student_institution_id"),
              WEIGHTS["student_institution_id"]),
             ("email_key", email_key(values.get("email_address")), WEIGHTS["email"]),
             ("mobile_key", mobile_key(values.get("mobile")), WEIGHTS["mobile"]),
             ("date_of_birth", values.get("date_of_birth"), WEIGHTS["date_of_birth"]),
             ("country_of_citizenship", values.get("country_of_citizenship"),
              WEIGHTS["country_of_citizenship"])]
    return [(column, str(value)[:10] if column == "date_of_birth" else value, weight)
            for column, value, weight in given if value is not None]


def score(wanted: list[tuple[str, Any, int]], row: Any) -> int:
    total = 0
    for column, value, weight in wanted:
        found = getattr(row, column)
        if column == "date_of_birth":
            found = None if found is None else str(found)[:10]
        if found is not None and found == value:
            total += weight
    return total


def candidates(connection: Connection, values: dict[str, Any]) -> list[Any]:
    storage = current_core().storage
    given = {"institution": values.get("student_institution_id") or None,
             "email": email_key(values.get("email_address")) or None,
             "mobile": mobile_key(values.get("mobile")) or None}
    given = {name: value for name, value in given.items() if value is not None}
    if not given:
        return []
    return storage.driver(_candidates, storage["contacts"], tuple(given)).records(
        connection, given)


def _candidates(contacts: sa.Table, names: tuple[str, ...]) -> sa.Select:
    """Contacts sharing any of ``names`` (institution id, e-mail key, mobile key)."""
    column = {"institution": contacts.c.student_institution_id,
              "email": contacts.c.email_key, "mobile": contacts.c.mobile_key}
    return (sa.select(contacts).where(sa.or_(*(column[n] == sa.bindparam(n) for n in names)))
            .order_by(contacts.c.crm_number).limit(MAX_CANDIDATES))


def best_match(connection: Connection, values: dict[str, Any], settings: Settings
               ) -> Match | None:
    """The confirmed contact ``values`` describe, or None."""
    identified = _by_crm_number(connection, values.get("crm_number"))
    if identified is not None:
        return identified
    if not settings.enabled:
        return None
    wanted = evidence(values)
    incoming = utils.default_process(f"{values.get('name') or ''} {values.get('surname') or ''}")
    found = [Match(row.crm_number, score(wanted, row), name_similarity(incoming, row))
             for row in candidates(connection, values)]
    confirmed = [m for m in found if m.score >= settings.min_score
                 and m.similarity >= settings.min_similarity]
    if not confirmed:
        return None
    return min(confirmed, key=lambda m: (-m.score, -m.similarity, m.crm_number))


def _by_crm_number(connection: Connection, crm_number: Any) -> Match | None:
    if not isinstance(crm_number, int) or not 0 < crm_number <= 2147483647:
        return None
    return Match(crm_number, 100, 1.0) if store.exists(connection, crm_number) else None
