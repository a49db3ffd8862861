"""The vendor's worked examples as rules: the guide's root links, joins, augmenters and
partitions, and the cookbook's recipes (call templates, IPK mappings, Defer, service
orders). Field lists beyond what the documents show are held only against our mock."""

from __future__ import annotations

import pytest

from ..target import Target
from ._client import Session, body_of, brief
from ._fixtures import CallFactory, Catalog, actions_of, search

MAPPINGS = ("ipk-status-stream-to-type", "ipk-status-stream-type-to-type")
LAST_ACTION = "LastAction:CallHistory(TicketId==Ref && Order==LastHistoryOrder)"


def _need(catalog: Catalog, *resources: str) -> None:
    missing = [r for r in resources if r not in catalog.resources().values()]
    if missing:
        pytest.skip(f"not checkable: the root metadata does not link {', '.join(missing)}")


@pytest.mark.rule("AL-09")
def test_root_links_name_approval(analyst: Session, catalog: Catalog) -> None:
    links = catalog.root().get("_links") or {}
    assert "Approval" in links, f"AL-09: the root _links name Approval, as the guide shows: " \
                                f"{sorted(links)[:20]}"
    link = links["Approval"][0]["_self"]
    response = analyst.api("GET", link)
    assert response.status_code == 200 and body_of(response).get("name") == "Approval", \
        f"AL-09: {link} answers the Approval entity: {brief(response)}"


@pytest.mark.rule("AL-12")
def test_ipk_mapping_options_tell_which_is_enabled(analyst: Session, catalog: Catalog) -> None:
    _need(catalog, *MAPPINGS)
    searchable = []
    for resource in MAPPINGS:
        options = analyst.get(f"/{resource}", **{"$options": ""})
        assert options.status_code == 200, f"AL-12: {resource}?$options answers: {brief(options)}"
        if "Search" in actions_of(body_of(options)):
            searchable.append(resource)
    assert len(searchable) == 1, f"AL-12: $options shows exactly one mapping searchable: " \
                                 f"{searchable}"
    for resource in MAPPINGS:
        found = analyst.get(f"/{resource}", **{"$top": 5})
        expected = 200 if resource in searchable else 404
        assert found.status_code == expected, \
            f"AL-12: {resource} answers {expected} (the recipe): {brief(found)}"
    _, rows = search(analyst, searchable[0], **{"$top": 5, "$select": "IpkStatus,IpkStream"})
    create = actions_of(rows[0]).get("Create") if rows else None
    assert create and create[0].get("href"), \
        f"AL-12: a mapping result names the Create action to use: {rows[:1]}"


@pytest.mark.rule("AL-12")
def test_call_templates_name_their_create_action(analyst: Session, catalog: Catalog) -> None:
    _need(catalog, "call-template")
    response, rows = search(analyst, "call-template", **{"$top": 5, "$select": "Ref,Name"})
    assert response.status_code == 200 and rows, f"AL-12: call-template searches: " \
                                                  f"{brief(response)}"
    for row in rows:
        create = actions_of(row).get("Create")
        assert create and str(create[0].get("href", "")).startswith("api:"), \
            f"AL-12: each template result carries _actions.Create with an api: href: {row}"


@pytest.mark.rule("AL-18")
@pytest.mark.parametrize("pair", [("User == @UserId", "UserId == @UserId"),
                                  ("User.Organization == @OrganizationId",
                                   "User.OrganizationId == @OrganizationId")])
def test_augmenter_examples_of_the_guide(analyst: Session, pair: tuple[str, str]) -> None:
    found = []
    for expression in pair:
        response, rows = search(analyst, "call", **{"$filter": expression, "$top": 200,
                                                    "$select": "Ref", "$orderby": "Ref"})
        assert response.status_code == 200, f"AL-18: $filter={expression}: {brief(response)}"
        found.append([row.get("Ref") for row in rows])
    assert found[0] == found[1], f"AL-18: {pair[0]} and {pair[1]} select the same calls"


@pytest.mark.rule("AL-20")
def test_join_call_to_its_last_action(analyst: Session, catalog: Catalog) -> None:
    _need(catalog, "call-history")
    response, rows = search(analyst, "call", **{"$leftJoin": LAST_ACTION, "$top": 20,
                                                "$select": "Ref,LastAction.Description"})
    assert response.status_code == 200 and rows, \
        f"AL-20: the guide's $leftJoin on CallHistory works: {brief(response)}"
    assert any(isinstance(row.get("LastAction"), dict) for row in rows), \
        f"AL-20: LastAction.Description reads the joined history: {rows[:2]}"
    response, _ = search(analyst, "call", **{"$leftJoin": LAST_ACTION, "$top": 5,
                                             "$filter": "LastAction.Description != null"})
    assert response.status_code == 200, f"AL-20: the alias works in $filter: {brief(response)}"


@pytest.mark.rule("AL-21")
def test_asset_partition_mixes_kinds(analyst: Session, catalog: Catalog,
                                     target: Target) -> None:
    _need(catalog, "asset")
    response, rows = search(analyst, "asset", **{"$partition": 1, "$top": 1000})
    assert response.status_code == 200, f"AL-21: asset?$partition=1 answers: {brief(response)}"
    kinds = {row.get("_context") for row in rows}
    if target.is_mock:
        assert {"api:v1/service/$metadata", "api:v1/configuration-item/$metadata"} <= kinds, \
            f"AL-21: asset?$partition=1 mixes Services and Configuration Items: {kinds}"
    assert "api:v1/asset/$metadata" not in kinds or len(kinds) > 1, \
        f"AL-21: asset results link to their own kinds: {kinds}"


@pytest.mark.rule("AL-24")
def test_create_a_call_from_a_template(calls: CallFactory, catalog: Catalog) -> None:
    _need(catalog, "call-template")
    _, rows = search(calls.session, "call-template", **{"$top": 1, "$select": "Ref"})
    if not rows:
        pytest.skip("not checkable: no call template visible to this analyst")
    href = str(actions_of(rows[0])["Create"][0]["href"])
    response = calls.session.api("POST", href, json={"Template": rows[0]["Ref"]})
    body = body_of(response)
    if response.status_code == 201 and isinstance(body.get("Ref"), int):
        calls.created.append(body["Ref"])
    assert response.status_code == 201, f"AL-24: creating from a template: {brief(response)}"
    assert body.get("Template") == rows[0]["Ref"] and "Submit" in actions_of(body), \
        f"AL-24: the created call names its Template and offers Submit: {body}"


@pytest.mark.rule("AL-24")
def test_api_does_not_fill_location_from_user(calls: CallFactory, catalog: Catalog) -> None:
    if "Location" not in catalog.props("call") or "User" not in catalog.props("call"):
        pytest.skip("not checkable: Call has no User or Location")
    user = calls.value_for("User")
    created = calls.new(User=user)
    assert created.get("Location") is None, \
        f"AL-24: the API leaves Location unset (the cookbook's self-service rules are the " \
        f"client's): {created.get('Location')}"


@pytest.mark.rule("AL-13")
def test_defer_records_and_unlocks(calls: CallFactory, target: Target) -> None:
    record = calls.new()
    submitted = calls.act(record, "Submit")
    locked = calls.act(body_of(submitted), "Lock")
    offered = actions_of(body_of(locked))
    if "Defer" not in offered:
        if target.is_mock:
            pytest.fail(f"AL-13: a call locked by you offers Defer: {sorted(offered)}")
        pytest.skip("not checkable: this target does not offer Defer on a locked call")
    action = {"$action": {"Description": {"Description": "Checked", "Title": "Note"}}}
    deferred = calls.act(body_of(locked), "Defer", action)
    assert deferred.status_code == 200, f"AL-13: Defer works: {brief(deferred)}"
    after = actions_of(body_of(deferred))
    assert "Lock" in after and "Unlock" not in after, \
        f"AL-13: Defer unlocks the call (the cookbook): {sorted(after)}"


@pytest.mark.rule("AL-24")
def test_service_order_flow(calls: CallFactory, catalog: Catalog, target: Target) -> None:
    target.need_mock("the service order entities' fields are our reading of the recipe")
    session = calls.session
    order = body_of(session.api("POST", "/service-order/$create", json={"Description": "x"}))
    _, actions = search(session, "service-action", **{"$top": 1, "$select": "Ref,Template"})
    item = session.api("POST", "/service-order-item/$create", json={
        "ServiceOrder": order["Ref"], "ServiceAction": actions[0]["Ref"], "Quantity": 1})
    assert item.status_code == 201, f"AL-24: an order item is created: {brief(item)}"
    href = actions_of(actions[0])["Create"][0]["href"]
    call = session.api("POST", str(href), json={
        "Template": actions[0]["Template"], "ServiceOrderItem": body_of(item)["Ref"]})
    assert call.status_code == 201, f"AL-24: the item's call is created: {brief(call)}"
    calls.created.append(body_of(call)["Ref"])
    submitted = session.api("PUT", f"/service-order/{order['Ref']}/submit")
    assert body_of(submitted).get("Status") == "Submitted", \
        f"AL-24: Submit submits the order: {brief(submitted)}"
    assert body_of(session.get(f"/call/{body_of(call)['Ref']}")).get("Status") == "Open", \
        "AL-24: submitting the order submits its calls"
