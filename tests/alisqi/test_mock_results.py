"""AlisQI mock: getResults and storeResults as the wire notes describe them."""

from __future__ import annotations

import json
from typing import Any

Api = Any  # the conftest client

EXTRUSION = 1
PRODUCTS = 101


def store(api: Api, results: list[Any], set_id: int = EXTRUSION, **form: Any) -> Any:
    response = api.post("/api/storeResults",
                        data={"setId": set_id, "results": json.dumps(results), **form})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def by_batch(api: Api, batch: str, **params: Any) -> list[dict[str, Any]]:
    query = {"setId": EXTRUSION, "filter": json.dumps({"batchnumber_": batch}),
             "includeId": "true", **params}
    return api.get("/api/getResults", query_string=query).get_json()


def test_values_come_back_in_wire_form(api: Api) -> None:
    answer = store(api, [{"date": "2026-02-03T04:05:06Z", "product_": "PE-80 Film",
                          "batchnumber_": "W-1", "meltindex_": "<0.5", "density_": "0.93123",
                          "visual_ok_": "0", "defects_": ["Gels", "Holes"],
                          "certificate_": {"name": "c.pdf", "content": "aGk="}}])
    assert answer == [""]
    row = by_batch(api, "W-1", includeAttachments="true", includeLastModificationDate="1")[0]
    assert row["date"] == "2026-02-03 04:05:06"
    assert row["product_"] == "PE-80 Film" and row["meltindex_"] == "<0.5"
    assert row["density_"] == 0.9312 and row["visual_ok_"] is False
    assert row["defects_"] == ["Gels", "Holes"]
    assert row["certificate_"] == {"name": "c.pdf", "content": "aGk="}
    assert isinstance(row["@id"], int) and "@lastModificationDate" in row
    assert by_batch(api, "W-1")[0]["certificate_"] == "c.pdf"


def test_one_entry_per_result_and_failures_are_not_written(api: Api) -> None:
    answer = store(api, [
        {"product_": "PE-80 Film", "batchnumber_": "E-1"},
        {"product_": "No such product", "batchnumber_": "E-2"},
        {"batchnumber_": "E-3"},
        {"product_": "PE-80 Film", "batchnumber_": "E-4", "nosuch_": 1},
        "not an object",
    ])
    assert answer[0] == "" and all(isinstance(a, str) and a for a in answer[1:])
    assert "required" in answer[2] and "nosuch_" in answer[3]
    assert len(by_batch(api, "E-1")) == 1
    assert not any(by_batch(api, f"E-{i}") for i in (2, 3, 4))


def test_key_field_upsert_edit_only_and_null_clears(api: Api) -> None:
    store(api, [{"product_": "PP Cast 50", "batchnumber_": "K-1", "thickness_": 40}])
    assert store(api, [{"batchnumber_": "K-1", "thickness_": 41.25, "remarks_": "x"},
                       {"batchnumber_": "k-1", "product_": "PP Cast 50"}],
                 keyField="batchnumber_") == ["", ""]
    rows = by_batch(api, "K-1")
    assert len(rows) == 1 and rows[0]["thickness_"] == 41.2 and rows[0]["remarks_"] == "x"
    assert len(by_batch(api, "k-1")) == 1  # keys are case-sensitive: a new result
    store(api, [{"batchnumber_": "K-1", "remarks_": None}], keyField="batchnumber_")
    assert by_batch(api, "K-1")[0]["remarks_"] is None
    answer = store(api, [{"batchnumber_": "K-404", "thickness_": 1}], keyField="batchnumber_",
                   editOnly="true")
    assert answer[0] and not by_batch(api, "K-404")


def test_key_field_picks_the_first_row_of_a_key_and_works_on_numbers(api: Api) -> None:
    """Text keys are looked up by the database, other keys over the whole set: both
    update the first result of a key and leave the rest alone."""
    store(api, [{"product_": "PP Cast 50", "batchnumber_": "D-1", "thickness_": 71.5},
                {"product_": "PP Cast 50", "batchnumber_": "D-1", "thickness_": 72.5}])
    assert store(api, [{"batchnumber_": "D-1", "remarks_": "first"}],
                 keyField="batchnumber_") == [""]
    by_id = sorted(by_batch(api, "D-1"), key=lambda row: int(row["@id"]))
    assert [row["remarks_"] for row in by_id] == ["first", None]
    assert store(api, [{"thickness_": 72.5, "remarks_": "by number"}],
                 keyField="thickness_") == [""]
    assert sorted(str(row["remarks_"]) for row in by_batch(api, "D-1")) == ["by number", "first"]


def test_add_list_options_adds_a_label(api: Api) -> None:
    refused = store(api, [{"product_": "PE-80 Film", "batchnumber_": "O-1", "line_": "Line 9"}])
    assert refused[0]
    assert store(api, [{"product_": "PE-80 Film", "batchnumber_": "O-1", "line_": "Line 9"}],
                 addListOptions="1") == [""]
    definition = api.get("/api/getSetDefinition?setId=1").get_json()
    line = next(f for f in definition["fields"] if f["name"] == "line_")
    assert "Line 9" in [o["label"] for o in line["options"]]


def test_set_id_in_query_and_multipart_and_legacy_token(app: Any, credentials: Any) -> None:
    token = next(c["token"] for c in credentials if c["tokenName"] == "demo-lims")
    client = app.test_client()
    results = json.dumps([{"material_": "PE-80 Film", "supplier_": "Dow", "lotnumber_": "M-1"}])
    response = client.post("/api/storeResults?setId=2", data={"results": results,
                                                                 "access_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and response.get_json() == [""]
    response = client.get("/api/getResults", query_string={
        "setId": 2, "authToken": token, "filter": json.dumps({"lotnumber_": "M-1"})})
    assert response.status_code == 200 and len(response.get_json()) == 1


def test_call_level_errors_write_nothing(api: Api, reader: Api) -> None:
    for form in ({"setId": 1, "results": "[{"}, {"setId": 1, "results": "5"},
                 {"setId": 1, "results": "[]", "keyField": "nosuch_"},
                 {"setId": 999, "results": "[]"}, {"results": "[]"}):
        response = api.post("/api/storeResults", data=form)
        assert response.status_code == 400 and response.get_json()["error"].startswith(
            "Invalid parameter"), form
    response = reader.post("/api/storeResults", data={"setId": 1, "results": json.dumps(
        [{"product_": "PE-80 Film", "batchnumber_": "RO-1"}])})
    assert response.status_code == 403
    assert response.get_json() == {"error": "No write permission for this set"}
    assert not by_batch(api, "RO-1")


def test_get_results_parameters(api: Api) -> None:
    page = api.get("/api/getResults?setId=1").get_json()
    assert len(page) == 100 and list(page[0])[:2] == ["date", "product_"]
    capped = api.get("/api/getResults?setId=1&limit=20000&fields=date").get_json()
    assert 1400 <= len(capped) <= 10_000 and all(list(r) == ["date"] for r in capped)
    by_line = api.get("/api/getResults", query_string={
        "setId": 1, "limit": 5000, "filter": json.dumps({"line_": [{"value": 2}]})}).get_json()
    assert by_line and all(r["line_"] == "Line 2" for r in by_line)
    ranged = api.get("/api/getResults", query_string={
        "setId": 1, "limit": 5000, "sort": "meltindex_:asc", "filter": json.dumps(
            {"meltindex_": [{"operator": ">=", "value": 2.1}, {"operator": "<", "value": 2.2}]})
    }).get_json()
    values = [r["meltindex_"] for r in ranged]
    assert values == sorted(values) and all(2.1 <= v < 2.2 for v in values)
    bad = api.get("/api/getResults?setId=1&sort=batchnr")
    assert bad.status_code == 400
    assert bad.get_json() == {"error": "Invalid parameter: sort field 'batchnr'. "
                                       "No such field in set."}


def test_filtered_pages_are_slices_of_the_whole_filtered_list(api: Api) -> None:
    """A filtered page stops reading once it has what it needs: every page, across the
    reader's batches and in both date orders, is the same slice of the whole filtered list."""
    line = json.dumps({"line_": [{"value": 2}]})
    for sort in ("date:desc", "date:asc"):
        whole = api.get("/api/getResults", query_string={
            "setId": 1, "limit": 10_000, "filter": line, "sort": sort, "includeId": "true",
        }).get_json()
        assert len(whole) > 250  # more than one batch of the reader
        for offset, limit in ((0, 1), (0, 100), (150, 100), (len(whole) - 3, 100)):
            page = api.get("/api/getResults", query_string={
                "setId": 1, "limit": limit, "offset": offset, "filter": line, "sort": sort,
                "includeId": "true"}).get_json()
            assert page == whole[offset:offset + limit]


def test_etag_and_last_modified(api: Api) -> None:
    first = api.get("/api/getResults?setId=3&limit=5")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert api.get("/api/getResults?setId=3&limit=5",
                   headers={"If-None-Match": etag}).status_code == 304
    assert api.get("/api/getResults?setId=3&limit=5",
                   headers={"If-Modified-Since": modified}).status_code == 304
    store(api, [{"product_": "PE-80 Film", "batchnumber_": "T-1"}], set_id=3)
    again = api.get("/api/getResults?setId=3&limit=5", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag


def test_lists_are_read_and_written_but_take_no_specifications(api: Api) -> None:
    products = api.get(f"/api/getResults?setId={PRODUCTS}&sort=name_:asc").get_json()
    assert len(products) == 8 and products[0]["name_"] == "Barrier Film 7L"
    assert store(api, [{"name_": "PE-90 Film", "active_": True}], set_id=PRODUCTS) == [""]
    for response in (api.get(f"/api/getSpecificationVersion?setId={PRODUCTS}"),
                     api.post("/api/storeSpecificationVersion", data={
                         "setId": PRODUCTS, "specs": json.dumps({"name_": {"lsl": 1}})})):
        assert response.status_code == 400 and "analysis sets" in response.get_json()["error"]


def test_store_specification_version_answers_true(api: Api) -> None:
    response = api.post("/api/storeSpecificationVersion", data={
        "setId": 1, "indexValue": "PE-80 Film", "startDateTime": "1767225600",
        "specs": json.dumps({"meltindex_": {"lsl": 1.5, "target": 2, "usl": 2.5}}),
        "reason": "test"})
    assert response.status_code == 200 and response.get_data() == b"true"
    assert response.mimetype == "text/plain"
    current = api.get("/api/getSpecificationVersion?setId=1&indexValue=PE-80 Film").get_json()
    assert current[0]["startDateTime"] == "2026-01-01 00:00:00"
    assert current[0]["specs"] == {"meltindex_": {"lsl": 1.5, "target": 2, "usl": 2.5}}
