"""Fixtures of the Alemba suite: identities, sessions that always log out, metadata, calls.

Nothing here assumes our mock's fixtures: entity names, property types and
required inputs are read from the target's own metadata, and the only records
changed are calls the tests created (after ``target.need_writes()``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from ..target import Target
from ._client import USER, Alemba, Credentials, Session, Sessions, body_of, brief, results_of

TEXT_TYPES = ("Text", "RichText")
NUMBER_TYPES = ("Integer", "Long", "Short", "Float", "Double", "Decimal")
SCALAR_TYPES = ("Binary", "Boolean", "DateTime", *NUMBER_TYPES, *TEXT_TYPES)


def marker() -> str:
    """A unique text for records this run creates."""
    return f"apidouble {uuid.uuid4().hex[:12]}"


# ------------------------------------------------------------------ identities


@pytest.fixture(scope="session")
def alemba(target: Target) -> Alemba:
    return Alemba(target)


@pytest.fixture(scope="session")
def credentials(target: Target) -> Credentials:
    """The main analyst identity."""
    return Credentials(
        client_id=target.need("client_id", "an API client id"),
        client_secret=target.credentials.get("client_secret"),
        username=target.need("username", "an analyst's username"),
        password=target.need("password", "the analyst's password"),
    )


@pytest.fixture
def identity(target: Target, credentials: Credentials) -> Any:
    """``identity("other")``: the credentials of another identity (or skip, saying why)."""

    def make(kind: str) -> Credentials:
        if kind == "user":
            client = target.credentials.get("user_client_id") or credentials.client_id
            secret = (target.credentials.get("user_client_secret") if
                      target.credentials.get("user_client_id") else credentials.client_secret)
            return Credentials(client, secret,
                               target.need("user_username", "a person with a User login"),
                               target.need("user_password", "that person's password"), USER)
        if kind == "other":
            return Credentials(credentials.client_id, credentials.client_secret,
                               target.need("other_username", "a second analyst"),
                               target.need("other_password", "the second analyst's password"))
        if kind == "disabled_login":
            return Credentials(credentials.client_id, credentials.client_secret,
                               target.need("disabled_username", "a person not allowed to log in"),
                               target.need("disabled_password", "that person's password"))
        raise ValueError(kind)

    return make


# -------------------------------------------------------------------- sessions


@pytest.fixture(scope="session")
def analyst(alemba: Alemba, credentials: Credentials) -> Iterator[Session]:
    """One analyst session (one licence) shared by the read-only tests."""
    holder = Sessions(alemba)
    session = holder.open(credentials)
    yield session
    holder.close_all()


@pytest.fixture
def sessions(alemba: Alemba) -> Iterator[Sessions]:
    """Open sessions freely: each is logged out when the test ends."""
    holder = Sessions(alemba)
    yield holder
    holder.close_all()


# -------------------------------------------------------------------- metadata


class Catalog:
    """The target's own description of itself, read once through its metadata."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._metadata: dict[str, dict[str, Any]] = {}
        self._root: dict[str, Any] | None = None

    def root(self) -> dict[str, Any]:
        if self._root is None:
            self._root = body_of(self.session.get(""))
        return self._root

    def resources(self) -> dict[str, str]:
        """Entity name -> resource name, from the root metadata's links."""
        found = {}
        links = self.root().get("_links")
        for name, entries in (links.items() if isinstance(links, dict) else []):
            link = entries[0].get("_self") if isinstance(entries, list) and entries and \
                isinstance(entries[0], dict) else None
            if isinstance(link, str) and link.endswith("/$metadata"):
                found[name] = link.removeprefix("api:").split("/")[-2]
        return found

    def resource_of(self, entity_name: str) -> str | None:
        return self.resources().get(entity_name)

    def metadata(self, resource: str) -> dict[str, Any]:
        if resource not in self._metadata:
            self._metadata[resource] = body_of(self.session.get(f"/{resource}/$metadata"))
        return self._metadata[resource]

    def props(self, resource: str) -> dict[str, dict[str, Any]]:
        props = self.metadata(resource).get("properties")
        return {p["name"]: p for p in props or [] if isinstance(p, dict) and "name" in p}

    def data_type(self, resource: str, name: str) -> str | None:
        kind = self.props(resource).get(name, {}).get("type")
        return kind.get("dataType") if isinstance(kind, dict) else None

    def props_of_type(self, resource: str, *types: str) -> list[str]:
        """Searchable public properties of the given data types, in metadata order."""
        return [name for name, prop in self.props(resource).items()
                if self.data_type(resource, name) in types and not prop.get("noSearch")
                and prop.get("usage", "Public") == "Public"]

    def lookups(self, resource: str) -> dict[str, str]:
        """Lookup property -> its entity's resource, for lookups whose entity is linked."""
        resources = self.resources()
        return {name: resources[kind] for name in self.props(resource)
                if (kind := self.data_type(resource, name)) not in SCALAR_TYPES
                and kind in resources}

    def first_ref(self, resource: str) -> Any:
        results = self.session.results(f"/{resource}", **{"$top": 1, "$select": "Ref"})
        return results[0].get("Ref") if results else None


@pytest.fixture(scope="session")
def catalog(analyst: Session) -> Catalog:
    return Catalog(analyst)


@pytest.fixture(scope="session")
def call_props(catalog: Catalog) -> dict[str, dict[str, Any]]:
    props = catalog.props("call")
    if not props:
        pytest.fail("AL-10: call/$metadata lists no properties")
    return props


# ----------------------------------------------------------------------- calls


class CallFactory:
    """Creates calls from the Create action's own metadata; remembers what it made."""

    def __init__(self, session: Session, catalog: Catalog) -> None:
        self.session = session
        self.catalog = catalog
        self.created: list[int] = []

    def create_metadata(self) -> dict[str, Any]:
        return body_of(self.session.get("/call/$create", **{"$options": ""}))

    def required_body(self) -> dict[str, Any]:
        inputs = [e for e in self.create_metadata().get("inputs") or [] if isinstance(e, dict)]
        body: dict[str, Any] = {}
        for entry in inputs:
            if not entry.get("required") or entry.get("readonly"):
                continue
            name = str(entry.get("property"))
            if "." in name:
                continue
            body[name] = self.value_for(name)
        for name in required_if_null(inputs, body):
            body[name] = self.value_for(name)
        for name in ("ShortDescription", "Description"):
            if name in self.catalog.props("call") and name not in body:
                body[name] = marker()
        return body

    def value_for(self, name: str) -> Any:
        kind = self.catalog.data_type("call", name)
        if kind in TEXT_TYPES:
            return marker()
        if kind in NUMBER_TYPES:
            return 1
        if kind == "Boolean":
            return False
        if kind == "DateTime":
            return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        resource = self.catalog.resource_of(kind or "")
        ref = self.catalog.first_ref(resource) if resource else None
        if ref is None:
            pytest.skip(f"not checkable: cannot find a value for the required input {name!r}")
        return ref

    def create(self, **values: Any) -> requests.Response:
        body = {**self.required_body(), **values}
        response = self.session.api("POST", "/call", json=body)
        ref = body_of(response).get("Ref")
        if response.status_code == 201 and isinstance(ref, int):
            self.created.append(ref)
        return response

    def new(self, **values: Any) -> dict[str, Any]:
        response = self.create(**values)
        if response.status_code != 201:
            pytest.fail(f"AL-24: creating a call from its $create metadata failed: "
                        f"{brief(response, 400)}")
        return body_of(response)

    def act(self, record: dict[str, Any], action: str, body: Any = None) -> requests.Response:
        """Invoke an action through the record's ``_actions`` link, else the usual URL."""
        link = actions_of(record).get(action)
        entry = link[0] if isinstance(link, list) and link and isinstance(link[0], dict) else {}
        href = entry.get("href") or f"api:v1/call/{record.get('Ref')}/{action.lower()}"
        methods = entry.get("methods") or ["PUT"]
        kwargs = {"json": body} if body is not None else {}
        return self.session.api(str(methods[0]), str(href), **kwargs)

    def get(self, ref: int) -> dict[str, Any]:
        return body_of(self.session.get(f"/call/{ref}"))


#: the relation behaviour "RequiredIfNull" (the vendor's cookbook, "Call Create Metadata")
REQUIRED_IF_NULL = 17


def required_if_null(inputs: list[dict[str, Any]], body: dict[str, Any]) -> list[str]:
    """Inputs required because the source of a RequiredIfNull relation is left out
    (IpkStatus when no Template is given)."""
    needed: list[str] = []
    for entry in inputs:
        for relation in entry.get("relations") or []:
            if not isinstance(relation, dict):
                continue
            kinds = {b.get("type") for b in relation.get("behaviors") or [] if isinstance(b, dict)}
            target = str(relation.get("target"))
            if (REQUIRED_IF_NULL in kinds and relation.get("source") not in body
                    and target not in body and target not in needed and "." not in target):
                needed.append(target)
    return needed


def actions_of(record: dict[str, Any]) -> dict[str, Any]:
    actions = record.get("_actions")
    return actions if isinstance(actions, dict) else {}


@pytest.fixture
def calls(target: Target, analyst: Session, catalog: Catalog) -> CallFactory:
    target.need_writes()
    return CallFactory(analyst, catalog)


def search(session: Session, resource: str, **params: Any) -> tuple[requests.Response,
                                                                     list[dict[str, Any]]]:
    response = session.get(f"/{resource}", **params)
    return response, results_of(response)
