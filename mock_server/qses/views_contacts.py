"""``contacts``: search, read, create (POST, QS-10), replace (PUT, QS-11), and the
contact's addresses and phone communications."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response, url_for
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.timefmt import iso_ms
from . import contact_dto, store
from .blueprint import cached, parse_id, query_value, route, single
from .contact_dto import email_key, mobile_key
from .deviations import deviation_on
from .errors import invalid, not_found
from .fields import Errors, read_body
from .listing import DriverSearch, Search, page

#: query parameter -> how it filters (documented in the spec)
SEARCH = ("emailAddress", "name", "surname", "mobile", "studentInstitutionId",
          "countryOfCitizenship")


@route("GET", "contacts")
@cached
def search_contacts() -> Response:
    given: dict[str, Any] = {}
    for name in SEARCH:
        value = query_value(name)
        if value is not None and value.strip():
            given[name] = _bound(name, value.strip())
    storage = current_core().storage
    contacts, names = storage["contacts"], tuple(given)
    search = DriverSearch.of(storage, _search, contacts, names)
    with storage.connect() as connection:
        return page(connection, search, contact_dto.dto, params=given)


def _search(contacts: sa.Table, names: tuple[str, ...]) -> sa.Select:
    """The search by the query parameters ``names`` (at most 64 sets), every value a
    bound parameter named after its query parameter."""
    query = sa.select(*contact_dto.dto_columns(contacts)).order_by(contacts.c.crm_number)
    for name in names:
        query = query.where(_condition(contacts, name))
    return query


def _condition(contacts: sa.Table, name: str) -> sa.ColumnElement[bool]:
    value = sa.bindparam(name)
    if name == "emailAddress":
        return contacts.c.email_key == value
    if name == "mobile":
        return contacts.c.mobile_key == value
    if name == "studentInstitutionId":
        return contacts.c.student_institution_id == value
    if name == "countryOfCitizenship":
        return contacts.c.country_of_citizenship == value
    column = contacts.c.name if name == "name" else contacts.c.surname
    return sa.func.lower(column) == value


def _bound(name: str, value: str) -> str | None:
    """The value :func:`_condition`'s parameter takes for a query parameter's text."""
    if name == "emailAddress":
        return email_key(value)
    if name == "mobile":
        return mobile_key(value) or value
    if name == "countryOfCitizenship":
        return value.upper()
    if name in ("name", "surname"):
        return value.lower()
    return value


@route("GET", "contacts/{id}")
def get_contact(raw_id: str) -> Response:
    crm_number = parse_id(raw_id, "contact")
    with current_core().storage.connect() as connection:
        row = store.get(connection, crm_number)
    if row is None:
        raise not_found(f"No contact was found with CrmNumber {crm_number}.")
    return single(contact_dto.dto(row))


def _validated(connection: Connection) -> dict[str, Any]:
    errors: Errors = {}
    values = contact_dto.parse(read_body("contact", "ContactDto"), "contact", errors)
    store.check_courses(connection, values, "contact", errors)
    if errors:
        raise invalid(errors)
    return values


@route("POST", "contacts")
def create_contact() -> Response:
    core = current_core()
    with core.storage.begin() as connection:
        values = _validated(connection)
        store.serialise_writes(connection)
        crm_number = store.insert(connection, values, core.clock.naive_now())
        row = store.get(connection, crm_number)
    response = single(contact_dto.dto(row), 200 if deviation_on("QS-10") else 201)
    if not deviation_on("QS-10"):
        response.headers["Location"] = url_for("qses_api.get_contact", raw_id=crm_number,
                                               _external=True)
    return response


@route("PUT", "contacts/{id}")
def replace_contact(raw_id: str) -> Response:
    crm_number = parse_id(raw_id, "contact")
    core = current_core()
    with core.storage.begin() as connection:
        values = _validated(connection)
        store.serialise_writes(connection)
        if deviation_on("QS-11"):
            store.merge(connection, crm_number, values, core.clock.naive_now())
            replaced = store.exists(connection, crm_number)
        else:
            replaced = store.replace(connection, crm_number, values, core.clock.naive_now())
        row = store.get(connection, crm_number) if replaced else None
    if row is None:
        raise not_found(f"No contact was found with CrmNumber {crm_number}.")
    return single(contact_dto.dto(row))


def _owned_contact(raw_id: str) -> int:
    crm_number = parse_id(raw_id, "contact")
    with current_core().storage.connect() as connection:
        if not store.exists(connection, crm_number):
            raise not_found(f"No contact was found with CrmNumber {crm_number}.")
    return crm_number


@route("GET", "contacts/{id}/contactaddresses")
def contact_addresses(raw_id: str) -> Response:
    crm_number = _owned_contact(raw_id)
    addresses = current_core().storage["contact_addresses"]
    query = (sa.select(addresses).where(addresses.c.crm_number == crm_number)
             .order_by(addresses.c.id))
    with current_core().storage.connect() as connection:
        return page(connection, Search.of(query), _address)


def _address(row: Any) -> dict[str, Any]:
    fields = ("Id", "CrmNumber", "AddressType", "Line1", "Line2", "City", "State", "Postcode",
              "Country", "Primary")
    columns = ("id", "crm_number", "address_type", "line1", "line2", "city", "state",
               "postcode", "country", "primary")
    return {f: getattr(row, c) for f, c in zip(fields, columns, strict=True)}


@route("GET", "contacts/{id}/phonecommunications")
def phone_communications(raw_id: str) -> Response:
    crm_number = _owned_contact(raw_id)
    calls = current_core().storage["phone_communications"]
    query = (sa.select(calls).where(calls.c.crm_number == crm_number)
             .order_by(calls.c.date_created.desc(), calls.c.id.desc()))
    with current_core().storage.connect() as connection:
        return page(connection, Search.of(query), _call, default_limit=50, max_limit=250)


def _call(row: Any) -> dict[str, Any]:
    return {"Id": row.id, "CrmNumber": row.crm_number,
            "Incoming": row.incoming,
            "PhoneNumber": row.phone_number,
            "DurationSeconds": row.duration_seconds,
            "Outcome": row.outcome, "Notes": row.notes,
            "DateCreated": iso_ms(row.date_created)}
