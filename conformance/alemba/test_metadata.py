"""Hypermedia: root metadata, entity and action metadata, links, instance actions (AL-09..13)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ..target import Target
from ._client import API, Alemba, Session, body_of, brief, results_of
from ._fixtures import CallFactory, Catalog, actions_of

PROPERTY_FIELDS = {"name", "displayName", "type", "description", "usage", "isKey", "noSearch",
                   "defaultValue", "length", "uppercase"}
METADATA_FIELDS = {"children", "description", "name", "properties", "status", "_actions",
                   "_context", "_links", "_self"}
TEMPLATE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


def links_in(node: Any) -> list[str]:
    """Every ``_self``, ``_context`` and ``href`` value in a JSON document."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("_self", "_context", "href") and isinstance(value, str):
                found.append(value)
            else:
                found.extend(links_in(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(links_in(value))
    return found


# ------------------------------------------------------------------- AL-09


@pytest.mark.rule("AL-09")
@pytest.mark.parametrize("path,query", [
    ("/alemba.api", {}),
    ("/alemba.api/api", {}),
    (API, {}),
    ("/alemba.api/api", {"$metadata": "", "$options": ""}),
])
def test_root_metadata(alemba: Alemba, analyst: Session, path: str,
                       query: dict[str, str]) -> None:
    response = alemba.target.request("GET", path, params=query, headers={
        "Authorization": f"Bearer {analyst.access_token}", "Accept": "application/json"})
    if response.status_code == 401 and analyst.renew():
        response = alemba.target.request("GET", path, params=query, headers={
            "Authorization": f"Bearer {analyst.access_token}"})
    body = body_of(response)
    assert response.status_code == 200, f"AL-09: {path} answers the root metadata: " \
        f"{brief(response)}"
    links = body.get("_links")
    assert isinstance(links, dict) and links, f"AL-09: root metadata has _links: {brief(response)}"
    call = links.get("Call")
    assert isinstance(call, list) and call and call[0].get("_self") == "api:v1/call/$metadata", \
        f"AL-09: _links.Call links api:v1/call/$metadata, got {call!r}"


@pytest.mark.rule("AL-09")
@pytest.mark.parametrize("path", ["/production/alemba.api/api/v1", "/asm/alemba.api/api/v2",
                                  "/production/alemba.api/api"])
def test_root_metadata_behind_a_system_prefix(alemba: Alemba, analyst: Session,
                                              target: Target, path: str) -> None:
    target.need_mock("a real server has one system prefix, which is part of its base URL")
    response = target.request("GET", path, headers={
        "Authorization": f"Bearer {analyst.access_token}"})
    assert response.status_code == 200 and "_links" in body_of(response), \
        f"AL-09: {path} (system prefix, version) answers the root metadata: {brief(response)}"


# ------------------------------------------------------------------- AL-10


@pytest.mark.rule("AL-10")
def test_entity_metadata_fields(catalog: Catalog, target: Target) -> None:
    meta = catalog.metadata("call")
    assert meta.get("name") == "Call", f"AL-10: call/$metadata names the entity: " \
        f"{meta.get('name')!r}"
    assert isinstance(meta.get("properties"), list) and meta["properties"], \
        "AL-10: call/$metadata lists properties"
    if "status" in meta:
        assert meta["status"] in ("Alpha", "Beta", "GA"), f"AL-10: status is Alpha, Beta or " \
            f"GA: {meta['status']!r}"
    for child in meta.get("children") or []:
        assert isinstance(child, dict) and "_self" in child, \
            f"AL-10: each child is a link with _self: {child!r}"
    for prop in meta["properties"]:
        assert isinstance(prop.get("name"), str), f"AL-10: every property has a name: {prop!r}"
        kind = prop.get("type")
        if kind is not None:
            assert isinstance(kind, dict) and "dataType" in kind, \
                f"AL-10: type is {{displayTypes, dataType, class}}: {prop['name']}: {kind!r}"
            assert isinstance(kind.get("displayTypes", []), list), \
                f"AL-10: displayTypes is a list: {prop['name']}"
        if "usage" in prop:
            assert prop["usage"] in ("Internal", "Public"), \
                f"AL-10: usage is Internal or Public: {prop['name']}: {prop['usage']!r}"
        for flag in ("isKey", "noSearch", "uppercase"):
            if flag in prop:
                assert isinstance(prop[flag], bool), f"AL-10: {flag} is a boolean: {prop['name']}"
        if prop.get("length") is not None:
            assert isinstance(prop["length"], int), f"AL-10: length is a number: {prop['name']}"
    keys = [p["name"] for p in meta["properties"] if p.get("isKey")]
    assert keys, "AL-10: the key property is marked isKey"
    if target.is_mock:  # our mock sends every documented field
        missing = METADATA_FIELDS - set(meta)
        assert not missing, f"AL-10: our mock's metadata lacks {sorted(missing)}"
        for prop in meta["properties"]:
            lacking = PROPERTY_FIELDS - set(prop)
            assert not lacking, f"AL-10: property {prop['name']} lacks {sorted(lacking)}"
        children = [c.get("_self") for c in meta["children"]]
        assert "api:v1/incident/$metadata" in children, \
            f"AL-10: Call lists Incident among its children: {children}"


# ------------------------------------------------------------------- AL-11


@pytest.mark.rule("AL-11")
def test_links_are_api_prefixed_and_resolve(analyst: Session, catalog: Catalog) -> None:
    documents = [catalog.root(), catalog.metadata("call")]
    search = analyst.get("/call", **{"$top": 3})
    documents.append(body_of(search))
    links = [link for document in documents for link in links_in(document)]
    assert links, "AL-11: metadata and searches carry links"
    bad = [link for link in links if not link.startswith("api:")]
    assert not bad, f"AL-11: links are prefixed api:, not {bad[:3]}"
    for link in links:
        for name in TEMPLATE.findall(link):
            assert name == "id" or name.split(".")[0] in catalog.props("call") or \
                name[0].isupper(), f"AL-11: template placeholders name properties: {link}"
    concrete = [link for link in links if not TEMPLATE.search(link)]
    for result in results_of(search)[:2]:
        concrete.append(result["_self"])
    for link in dict.fromkeys(concrete[:12]):
        response = analyst.get(link)
        assert response.status_code == 200, f"AL-11: {link} resolves under the API base: " \
            f"{brief(response)}"


# ------------------------------------------------------------------- AL-12


@pytest.mark.rule("AL-12")
def test_options_suffix_answers_metadata(analyst: Session) -> None:
    ref = next((r.get("Ref") for r in analyst.results("/call", **{"$top": 1, "$select": "Ref"})),
               None)
    paths = ["", "/call", "/call/$metadata"] + ([f"/call/{ref}"] if ref is not None else [])
    for path in paths:
        response = analyst.get(path, **{"$options": ""})
        body = body_of(response)
        assert response.status_code == 200 and body, \
            f"AL-12: {path or '/'}?$options answers metadata: {brief(response)}"
        assert "results" not in body, f"AL-12: {path}?$options answers metadata, not data"


@pytest.mark.rule("AL-12")
def test_create_action_metadata(analyst: Session, catalog: Catalog) -> None:
    response = analyst.get("/call/$create", **{"$options": ""})
    meta = body_of(response)
    assert response.status_code == 200, f"AL-12: call/$create?$options answers: {brief(response)}"
    inputs = meta.get("inputs")
    assert isinstance(inputs, list) and inputs, "AL-12: the Create metadata lists its inputs"
    props = catalog.props("call")
    for entry in inputs:
        assert isinstance(entry.get("property"), str), f"AL-12: each input has a property: {entry}"
        for flag in ("required", "readonly"):
            if flag in entry:
                assert isinstance(entry[flag], bool), f"AL-12: {flag} is a boolean: {entry}"
        name = entry["property"]
        assert name in props or "." in name, \
            f"AL-12: input {name!r} is a property of Call or a parameter path"
    assert any(entry.get("required") for entry in inputs), \
        "AL-12: the Create metadata says which inputs are mandatory"
    if "methods" in meta:
        assert "POST" in meta["methods"], f"AL-12: Create is invoked with POST: {meta['methods']}"
    if "href" in meta:
        assert meta["href"].startswith("api:"), f"AL-12: href is a medialink: {meta['href']}"


# ------------------------------------------------------------------- AL-13


@pytest.mark.rule("AL-13")
def test_actions_follow_the_call_state(calls: CallFactory, target: Target) -> None:
    created = calls.new()
    assert "Submit" in actions_of(created), \
        f"AL-13: a new call lists Submit: {sorted(actions_of(created))}"
    assert "Reopen" not in actions_of(created), "AL-13: a new call does not list Reopen"
    submitted = calls.act(created, "Submit")
    assert submitted.status_code == 200, f"AL-24: submit succeeds: {brief(submitted)}"
    record = calls.get(created["Ref"])
    listed = actions_of(record)
    assert "Reopen" not in listed, f"AL-13: an open call does not list Reopen: {sorted(listed)}"
    if "Lock" in listed:
        locked = calls.act(record, "Lock")
        assert locked.status_code == 200, f"AL-24: lock succeeds: {brief(locked)}"
        record = calls.get(created["Ref"])
        listed = actions_of(record)
        assert "Lock" not in listed and "Unlock" in listed, \
            f"AL-13: a call locked by me lists Unlock, not Lock: {sorted(listed)}"
    if target.is_mock:  # spec choice 2: an unlisted action is refused
        refused = calls.act(record, "Reopen")
        assert refused.status_code == 403 and body_of(refused).get("SubStatus") == "NotAllowed", \
            f"AL-13: our mock refuses an action not valid in the state: {brief(refused)}"
    assert "Close" in listed, f"AL-13: an open call locked by me lists Close: {sorted(listed)}"
    closed = calls.act(record, "Close", {"$action": {}})
    assert closed.status_code == 200, f"AL-24: close succeeds: {brief(closed)}"
    record = calls.get(created["Ref"])
    assert "Reopen" in actions_of(record), \
        f"AL-13: a closed call lists Reopen: {sorted(actions_of(record))}"
    reopened = calls.act(record, "Reopen")
    assert reopened.status_code == 200, f"AL-24: reopen succeeds: {brief(reopened)}"
    assert "Reopen" not in actions_of(calls.get(created["Ref"])), \
        "AL-13: a reopened call no longer lists Reopen"


@pytest.mark.rule("AL-13")
def test_search_results_link_only_to_get(analyst: Session) -> None:
    response = analyst.get("/call", **{"$top": 5})
    for result in results_of(response):
        actions = actions_of(result)
        assert set(actions) <= {"Get"}, \
            f"AL-13: search results link only to the Get action, not {sorted(actions)}"
