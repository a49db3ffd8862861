"""Samples through their workflow: creation, status rules, QC gates, allowances, paging."""

from __future__ import annotations

from typing import Any

from flask import Flask


def test_create_schedules_tests_and_approvals(api: Any, new_sample: Any) -> None:
    sample = new_sample(3)
    assert sample["trackingId"] == f"S-2026-{sample['id']:06d}" or sample["trackingId"][7:] == (
        f"{sample['id']:06d}")
    assert [t["status"] for t in sample["tests"]] == ["pending"] * 3
    approvals = api.get(f"/api/v1/samples/{sample['id']}/approvals").get_json()["data"]
    assert sorted(a["step"] for a in approvals) == ["qa_approval", "technical_review"]


def test_status_moves_forward_only_and_needs_results(api: Any, new_sample: Any) -> None:
    sample = new_sample(1)
    path = f"/api/v1/samples/{sample['id']}/status"
    received = api.patch(path, json={"status": "received"}).get_json()
    assert received["status"] == "received" and received["receivedAt"]
    blocked = api.patch(path, json={"status": "completed"})
    assert blocked.status_code == 409 and blocked.get_json()["error"] == "invalid_transition"
    api.patch(f"/api/v1/sample-tests/{sample['tests'][0]['id']}", json={"result": 7})
    assert api.patch(path, json={"status": "completed"}).status_code == 200
    back = api.patch(path, json={"status": "pending"})
    assert back.status_code == 409
    assert api.patch(path, json={"status": "reported"}).status_code == 400


def test_report_is_blocked_by_each_qc_gate(api: Any, new_sample: Any) -> None:
    sample = new_sample(1)
    test = sample["tests"][0]
    report = f"/api/v1/samples/{sample['id']}/report"
    unverified = api.post(report)
    assert unverified.status_code == 409
    gates = {g["name"]: g["passed"] for g in unverified.get_json()["gates"]}
    assert gates == {"results_verified": False, "within_spec": True, "lab_qc_checks": True}
    definitions = api.get("/api/v1/test-definitions?limit=500").get_json()["data"]
    limit = next(d for d in definitions if d["id"] == test["testDefinitionId"])
    outside = (limit["specMax"] or 0) + 1000
    api.patch(f"/api/v1/sample-tests/{test['id']}", json={"result": str(outside)})
    api.post(f"/api/v1/sample-tests/{test['id']}/verify")
    out_of_spec = api.post(report)
    assert out_of_spec.status_code == 409 and out_of_spec.get_json()["error"] == "qc_failed"
    assert api.get(f"/api/v1/samples/{sample['id']}").get_json()["reportedAt"] is None


def test_report_succeeds_once_and_is_idempotent(api: Any, new_sample: Any) -> None:
    sample = new_sample(0)
    assert api.post(f"/api/v1/samples/{sample['id']}/report").status_code == 409  # no tests
    sample = new_sample(1)
    test = sample["tests"][0]
    definitions = api.get("/api/v1/test-definitions?limit=500").get_json()["data"]
    limits = next(d for d in definitions if d["id"] == test["testDefinitionId"])
    inside = limits["specMin"] if limits["specMin"] is not None else 0
    api.patch(f"/api/v1/sample-tests/{test['id']}", json={"result": inside})
    api.post(f"/api/v1/sample-tests/{test['id']}/verify")
    first = api.post(f"/api/v1/samples/{sample['id']}/report").get_json()
    second = api.post(f"/api/v1/samples/{sample['id']}/report").get_json()
    assert first["reportedAt"] and first["reportedAt"] == second["reportedAt"]


def test_fixture_samples_with_failed_lab_qc_cannot_be_reported(app: Flask, api: Any) -> None:
    storage = app.extensions["apidouble"].storage
    checks = storage["qc_checks"]
    with storage.connect() as connection:
        failing = connection.execute(
            checks.select().where(checks.c.passed.is_(False), checks.c.organization_id == 1)
        ).first()
    response = api.post(f"/api/v1/samples/{failing.sample_id}/report")
    assert response.status_code == 409
    assert {g["name"] for g in response.get_json()["gates"] if not g["passed"]} >= {
        "lab_qc_checks"}


def test_monthly_allowance_counts_this_month_and_resets_with_the_clock(
    app: Flask, credentials: list[dict[str, Any]], make_api: Any
) -> None:
    limited = next(c for c in credentials if c["monthlySampleAllowance"] <= 100)
    api = make_api(limited["apiKey"])
    material = api.get("/api/v1/material-types").get_json()["data"][0]["id"]
    body = {"clientName": "Pilot", "materialTypeId": material}
    codes = [api.post("/api/v1/samples", json=body).status_code
             for _ in range(limited["monthlySampleAllowance"] + 1)]
    assert codes[-1] == 403 and set(codes[:-1]) == {201}
    refused = api.post("/api/v1/samples", json=body)
    assert refused.get_json()["code"] == "SAMPLE_LIMIT_EXCEEDED" and "error" not in (
        refused.get_json())
    count = len(api.get("/api/v1/samples").get_json()["data"])
    assert count == limited["monthlySampleAllowance"]
    app.test_client().post("/__admin/clock", json={"advance": 32 * 86400})
    assert api.post("/api/v1/samples", json=body).status_code == 201


def test_following_cursors_visits_every_record_once_while_adding(
    api: Any, new_sample: Any
) -> None:
    expected = {s["id"] for s in _all(api)}
    seen: list[int] = []
    cursor = None
    while True:
        query = "limit=37" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(f"/api/v1/samples?{query}").get_json()
        seen += [s["id"] for s in page["data"]]
        new_sample(0)  # added mid-way: newer, so never in a later page
        if not page["hasMore"]:
            break
        cursor = page["nextCursor"]
    assert len(seen) == len(set(seen)) and set(seen) == expected
    assert seen == sorted(seen, reverse=True)


def _all(api: Any) -> list[dict[str, Any]]:
    return api.get("/api/v1/samples?limit=500").get_json()["data"] + api.get(
        "/api/v1/samples?limit=500&cursor=" + str(
            api.get("/api/v1/samples?limit=500").get_json()["nextCursor"] or 0)
    ).get_json()["data"]


def test_tenants_are_isolated(api: Any, other_api: Any, new_sample: Any) -> None:
    mine = new_sample(1)
    assert other_api.get(f"/api/v1/samples/{mine['id']}").status_code == 404
    assert other_api.patch(f"/api/v1/sample-tests/{mine['tests'][0]['id']}",
                           json={"result": "1"}).status_code == 404
    foreign_material = other_api.get("/api/v1/material-types").get_json()["data"][0]["id"]
    response = api.post("/api/v1/samples", json={"clientName": "x",
                                                 "materialTypeId": foreign_material})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_reference"
