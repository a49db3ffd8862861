"""The Contact DTO: the JSON GET answers and POST/PUT/processes take (QS-10, QS-11).

``CrmNumber``, ``CreatedDate`` and ``ModifiedDate`` are set by the server and
ignored on POST and PUT (the spec lists them); every other field a PUT leaves
out is written as null.
"""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa

from ..core.timefmt import iso_ms_stored
from .fields import Errors, by_name, check, convert

#: DTO field -> (column, kind, max length)
FIELDS: dict[str, tuple[str, str, int | None]] = {
    "StudentInstitutionId": ("student_institution_id", "str", 50),
    "Salutation": ("salutation", "str", 20),
    "Name": ("name", "str", 100),
    "Surname": ("surname", "str", 100),
    "MiddleName": ("middle_name", "str", 100),
    "Alias": ("alias", "str", 100),
    "FormerName": ("former_name", "str", 100),
    "Gender": ("gender", "gender", 1),
    "DateOfBirth": ("date_of_birth", "date", None),
    "EmailAddress": ("email_address", "email", 256),
    "Mobile": ("mobile", "str", 50),
    "CountryOfCitizenship": ("country_of_citizenship", "country", 2),
    "CountryOfResidence": ("country_of_residence", "country", 2),
    "VisaType": ("visa_type", "str", 100),
    "HeatStatus": ("heat_status", "str", 50),
    "ContactStatus": ("contact_status", "str", 50),
    "SubChannel": ("sub_channel", "str", 100),
    "Intake": ("intake", "str", 50),
    "Courses": ("courses", "json", None),
    "Tags": ("tags", "json", None),
    "Consents": ("consents", "json", None),
    "SubscribedToDirectEmails": ("subscribed_to_direct_emails", "bool", None),
    "SubscribedToPhoneCalls": ("subscribed_to_phone_calls", "bool", None),
    "SubscribedToSms": ("subscribed_to_sms", "bool", None),
}
IGNORED_ON_WRITE = ("CrmNumber", "CreatedDate", "ModifiedDate")
REQUIRED = ("Name", "Surname")
LOWER = {name.lower(): name for name in FIELDS}


def email_key(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def mobile_key(mobile: str | None) -> str | None:
    """The last nine digits: ``+61 412 345 678`` and ``0412345678`` are one number."""
    digits = re.sub(r"\D", "", mobile or "")
    return digits[-9:] if len(digits) >= 6 else None


def parse(body: Any, parameter: str, errors: Errors, *, required: bool = True
          ) -> dict[str, Any]:
    """Column values of every DTO field (absent ones None); problems go into ``errors``."""
    if not isinstance(body, dict):
        errors.setdefault(parameter, []).append("The request body must be a JSON object.")
        return {}
    given = by_name(body)
    values: dict[str, Any] = {}
    for field, (column, kind, length) in FIELDS.items():
        key = f"{parameter}.{field}"
        value = convert(kind, given.get(field.lower()), field, key, errors)
        check(kind, value, length, field, key, errors)
        if kind == "json" and value is not None:
            value = _list(field, value, key, errors)
        if isinstance(value, str) and kind != "json" and not value.strip():
            value = None
        values[column] = value
    if required:
        for field in REQUIRED:
            if values.get(FIELDS[field][0]) is None:
                errors.setdefault(f"{parameter}.{field}", []).append(
                    f"The {field} field is required.")
    crm = given.get("crmnumber")
    values["crm_number"] = crm if isinstance(crm, int) and not isinstance(crm, bool) else None
    return values


def _list(field: str, value: Any, key: str, errors: Errors) -> str | None:
    """``Courses`` / ``Tags`` / ``Consents``: a JSON array of the documented item shape."""
    shape = {"Courses": _course, "Tags": _tag, "Consents": _consent}[field]
    if not isinstance(value, list) or len(value) > 50:
        errors.setdefault(key, []).append(f"The field {field} must be an array (at most 50).")
        return None
    items = []
    for index, item in enumerate(value):
        parsed = shape(item)
        if parsed is None:
            errors.setdefault(f"{key}[{index}]", []).append(f"Invalid {field} item.")
        else:
            items.append(parsed)
    return json.dumps(items)


def _course(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    given = by_name(item)
    course_id, preference = given.get("courseid"), given.get("preference")
    active = given.get("active")
    if isinstance(course_id, bool) or not isinstance(course_id, int) or \
            not 0 < course_id <= 2147483647:
        return None
    if preference is not None and (isinstance(preference, bool)
                                   or not isinstance(preference, int)
                                   or not 0 < preference < 100):
        return None
    if active is not None and not isinstance(active, bool):
        return None
    return {"CourseId": course_id, "Preference": preference, "Active": bool(active)}


def _tag(item: Any) -> str | None:
    return item if isinstance(item, str) and 0 < len(item) <= 50 else None


def _consent(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    given = by_name(item)
    kind, granted, when = given.get("consenttype"), given.get("given"), given.get("dategiven")
    if not isinstance(kind, str) or not 0 < len(kind) <= 50 or not isinstance(granted, bool):
        return None
    if when is not None and not (isinstance(when, str)
                                 and re.fullmatch(r"\d{4}-\d{2}-\d{2}.{0,20}", when)):
        return None
    return {"ConsentType": kind, "Given": granted, "DateGiven": when}


def course_ids(values: dict[str, Any]) -> list[int]:
    return [c["CourseId"] for c in json.loads(values.get("courses") or "[]")]


#: the columns :func:`dto` reads, in its order (see :func:`dto_columns`)
DTO_COLUMNS = ("crm_number", *(column for column, _kind, _length in FIELDS.values()),
               "created_date", "modified_date")
_DTO_NAMES = ("CrmNumber", *FIELDS, "CreatedDate", "ModifiedDate")
_JSON_AT = tuple((field, DTO_COLUMNS.index(column))
                 for field, (column, kind, _length) in FIELDS.items() if kind == "json")
_BIRTH_AT = DTO_COLUMNS.index("date_of_birth")
#: the C scanner ``json.loads`` ends in, called directly: stored lists are our own
#: ``json.dumps`` output, so the whitespace checks around it are not needed
_scan_json = json.JSONDecoder().scan_once


def dto_columns(contacts: sa.Table) -> list[sa.ColumnElement[Any]]:
    """What :func:`dto` selects: dates and timestamps as the database stores them, so no
    datetime is parsed only to be formatted again (see ``core.shapes``)."""
    return [sa.type_coerce(contacts.c[name], sa.String).label(name)
            if isinstance(contacts.c[name].type, sa.Date | sa.DateTime) else contacts.c[name]
            for name in DTO_COLUMNS]


def dto(row: Any) -> dict[str, Any]:
    """The Contact DTO of a row of :func:`dto_columns` (read by position)."""
    out = dict(zip(_DTO_NAMES, row, strict=True))
    for field, index in _JSON_AT:
        if row[index] is not None:
            out[field] = _scan_json(row[index], 0)[0]
    if row[_BIRTH_AT] is not None:
        out["DateOfBirth"] = _date_text(row[_BIRTH_AT])
    out["CreatedDate"] = iso_ms_stored(row[-2])
    out["ModifiedDate"] = iso_ms_stored(row[-1])
    return out


def _date_text(value: Any) -> str:
    """A .NET ``DateTime`` date: ``1999-11-25T00:00:00``."""
    text = value if isinstance(value, str) else value.isoformat()
    return f"{text[:10]}T00:00:00"
