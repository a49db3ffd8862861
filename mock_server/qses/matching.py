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


def name_similarity(values: dict[str, Any], row: Any) -> float:
    incoming = f"{values.get('name') or ''} {values.get('surname') or ''}"
    names = [f"{row.name or ''} {row.surname or ''}"]
    if row.alias:
        names.append(f"{row.alias} {row.surname or ''}")
    best = max(fuzz.token_sort_ratio(incoming, name, processor=utils.default_process)
               for name in names)
    return round(best / 100.0, 4)


def score(values: dict[str, Any], row: Any) -> int:
    agreed = {
        "student_institution_id": values.get("student_institution_id") is not None
        and values["student_institution_id"] == row.student_institution_id,
        "email": email_key(values.get("email_address")) is not None
        and email_key(values.get("email_address")) == row.email_key,
        "mobile": mobile_key(values.get("mobile")) is not None
        and mobile_key(values.get("mobile")) == row.mobile_key,
        "date_of_birth": values.get("date_of_birth") is not None
        and _same_date(values["date_of_birth"], row.date_of_birth),
        "country_of_citizenship": values.get("country_of_citizenship") is not None
        and values["country_of_citizenship"] == row.country_of_citizenship,
    }
    return sum(WEIGHTS[name] for name, ok in agreed.items() if ok)


def _same_date(left: Any, right: Any) -> bool:
    return right is not None and str(left)[:10] == str(right)[:10]


def candidates(connection: Connection, values: dict[str, Any]) -> list[Any]:
    contacts = current_core().storage["contacts"]
    conditions = []
    if values.get("student_institution_id"):
        conditions.append(contacts.c.student_institution_id == values["student_institution_id"])
    if email_key(values.get("email_address")):
        conditions.append(contacts.c.email_key == email_key(values["email_address"]))
    if mobile_key(values.get("mobile")):
        conditions.append(contacts.c.mobile_key == mobile_key(values["mobile"]))
    if not conditions:
        return []
    query = (sa.select(contacts).where(sa.or_(*conditions))
             .order_by(contacts.c.crm_number).limit(MAX_CANDIDATES))
    return list(connection.execute(query).all())


def best_match(connection: Connection, values: dict[str, Any], settings: Settings
               ) -> Match | None:
    """The confirmed contact ``values`` describe, or None."""
    identified = _by_crm_number(connection, values.get("crm_number"))
    if identified is not None:
        return identified
    if not settings.enabled:
        return None
    found = [Match(row.crm_number, score(values, row), name_similarity(values, row))
             for row in candidates(connection, values)]
    confirmed = [m for m in found if m.score >= settings.min_score
                 and m.similarity >= settings.min_similarity]
    if not confirmed:
        return None
    return min(confirmed, key=lambda m: (-m.score, -m.similarity, m.crm_number))


def _by_crm_number(connection: Connection, crm_number: Any) -> Match | None:
    if not isinstance(crm_number, int) or not 0 < crm_number <= 2147483647:
        return None
    contacts = current_core().storage["contacts"]
    found = connection.execute(sa.select(contacts.c.crm_number)
                               .where(contacts.c.crm_number == crm_number)).scalar()
    return None if found is None else Match(int(found), 100, 1.0)
