"""getResults and storeResults (AS-04), values checked against the definition (AS-02),
dates in UTC (AS-11)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from apidouble.conformance.target import Target

from ._client import AlisQI, error_of, json_of, marker, seen, succeeded
from ._model import Installation, valid_result

WIRE_DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def ids_of(rows: list[dict[str, Any]]) -> list[Any]:
    return [row.get("@id") for row in rows]


def keyed(api: AlisQI, installation: Installation, key_field: str, value: str,
          **params: Any) -> list[dict[str, Any]]:
    info = installation.need_set()
    return api.results(info.id, filter=json.dumps({key_field: value}), includeId="true",
                       **params)


@pytest.mark.rule("AS-04")
def test_get_results_is_a_bare_array_honouring_limit(api: AlisQI,
                                                     installation: Installation) -> None:
    info = installation.need_set()
    response = api.get("getResults", setId=info.id, limit=3)
    body = json_of(response)
    assert response.status_code == 200 and isinstance(body, list), \
        f"AS-04: getResults answered {seen(response)}, expected a JSON array"
    assert len(body) <= 3, f"AS-04: limit=3 gave {len(body)} results"
    default = api.results(info.id)
    assert len(default) <= 100, f"AS-04: the default page has {len(default)} results (max 100)"


@pytest.mark.rule("AS-04")
def test_offset_pages_follow_each_other(api: AlisQI, installation: Installation) -> None:
    info = installation.need_set()
    whole = api.results(info.id, limit=10, includeId="true")
    first = api.results(info.id, limit=5, includeId="true")
    second = api.results(info.id, limit=5, offset=5, includeId="true")
    if len(whole) < 10:
        pytest.skip("not checkable: the set has fewer than ten results")
    assert None not in ids_of(whole), "AS-04: includeId=true gave results without @id"
    assert ids_of(first) + ids_of(second) == ids_of(whole), \
        "AS-04: offset=5 does not continue where the first page of five ends"


@pytest.mark.rule("AS-04")
def test_sort_by_date_both_ways(api: AlisQI, installation: Installation) -> None:
    info = installation.need_set()
    newest = [str(r.get("date")) for r in api.results(info.id, limit=20)]
    oldest = [str(r.get("date")) for r in api.results(info.id, limit=20, sort="date:asc")]
    assert newest == sorted(newest, reverse=True), "AS-04: default order is not date:desc"
    assert oldest == sorted(oldest), "AS-04: sort=date:asc is not oldest first"


@pytest.mark.rule("AS-04")
def test_an_unknown_sort_field_is_a_bad_parameter(api: AlisQI,
                                                  installation: Installation) -> None:
    info = installation.need_set()
    response = api.get("getResults", setId=info.id, sort="apidouble_no_such_field:asc")
    assert response.status_code == 400 and isinstance(error_of(response), str), \
        f"AS-04: an unknown sort field answered {seen(response)}, expected 400 {{error}}"


@pytest.mark.rule("AS-04")
def test_filter_forms_agree(api: AlisQI, installation: Installation) -> None:
    info = installation.need_set()
    name = installation.need_field("text", "key_field")
    sample = [r for r in api.results(info.id, limit=5, fields=f"date,{name}") if r.get(name)]
    if not sample:
        pytest.skip(f"not checkable: no result of set {info.id} has a value in {name}")
    value = sample[0][name]
    short = api.results(info.id, filter=json.dumps({name: value}), includeId="true")
    long = api.results(info.id, filter=json.dumps({name: [{"value": value}]}),
                       includeId="true")
    assert short and ids_of(short) == ids_of(long), \
        "AS-04: the filter shorthand and the list-of-conditions form disagree"
    assert all(r.get(name) == value for r in short), "AS-04: the filter let other values in"


@pytest.mark.rule("AS-04")
def test_get_results_answers_304_when_unchanged(api: AlisQI,
                                                installation: Installation) -> None:
    info = installation.need_set()
    first = api.get("getResults", setId=info.id, limit=5)
    etag, modified = first.headers.get("ETag"), first.headers.get("Last-Modified")
    assert etag or modified, "AS-04: getResults carries neither ETag nor Last-Modified"
    headers = {"If-None-Match": etag} if etag else {"If-Modified-Since": str(modified)}
    again = api.request("GET", "getResults", params={"setId": info.id, "limit": 5},
                        headers=headers)
    assert again.status_code == 304, f"AS-04: a conditional repeat answered {seen(again)}"


@pytest.mark.rule("AS-04")
def test_store_results_stores_many_in_one_call(api: AlisQI, installation: Installation,
                                               target: Target) -> None:
    target.need_writes()
    info = installation.need_set()
    key = installation.need_field("text", "key_field")
    tag = marker()
    batch = [valid_result(info, **{key: f"{tag}-{i}"}) for i in range(3)]
    response = api.store(info.id, batch)
    answer = json_of(response)
    assert response.status_code == 200 and isinstance(answer, list) and len(answer) == 3, \
        f"AS-04: storing three results answered {seen(response)}, expected three entries"
    assert all(succeeded(entry) for entry in answer), f"AS-04: valid results refused: {answer}"
    for i in range(3):
        assert len(keyed(api, installation, key, f"{tag}-{i}")) == 1, \
            f"AS-04: stored result {i} does not read back"


@pytest.mark.rule("AS-04")
@pytest.mark.parametrize("form", ["urlencoded-query-setid", "multipart-body-setid"])
def test_store_results_form_variants(api: AlisQI, installation: Installation, target: Target,
                                     form: str) -> None:
    target.need_writes()
    info = installation.need_set()
    key = installation.need_field("text", "key_field")
    tag = marker()
    results = json.dumps([valid_result(info, **{key: tag})])
    if form.startswith("urlencoded"):
        response = api.request("POST", "storeResults", params={"setId": info.id},
                               data={"results": results})
    else:
        response = api.request("POST", "storeResults",
                               files={"setId": (None, str(info.id)), "results": (None, results)})
    answer = json_of(response)
    assert response.status_code == 200 and isinstance(answer, list) and answer \
        and succeeded(answer[0]), f"AS-04: {form} answered {seen(response)}"
    assert len(keyed(api, installation, key, tag)) == 1, f"AS-04: {form} stored nothing"


@pytest.mark.rule("AS-04")
def test_key_field_updates_and_edit_only_refuses(api: AlisQI, installation: Installation,
                                                 target: Target) -> None:
    target.need_writes()
    info = installation.need_set()
    key = installation.need_field("text", "key_field")
    number = installation.need_field("number", "number_field")
    tag = marker()
    api.store(info.id, [valid_result(info, **{key: tag, number: 1.0})])
    response = api.store(info.id, [{key: tag, number: 2.0}], keyField=key)
    assert response.status_code == 200 and succeeded((json_of(response) or ["x"])[0]), \
        f"AS-04: a keyField update answered {seen(response)}"
    rows = keyed(api, installation, key, tag)
    assert len(rows) == 1 and rows[0].get(number) == 2.0, \
        f"AS-04: after a keyField update the key reads back as {rows}"[:300]
    response = api.store(info.id, [{key: f"{tag}-missing", number: 3.0}], keyField=key,
                         editOnly="true")
    answer = json_of(response)
    assert isinstance(answer, list) and len(answer) == 1 and not succeeded(answer[0]), \
        f"AS-04: editOnly with an unknown key answered {seen(response)}, expected an error entry"
    assert not keyed(api, installation, key, f"{tag}-missing"), "AS-04: editOnly created a result"


@pytest.mark.rule("AS-04")
def test_null_clears_a_field_on_update(api: AlisQI, installation: Installation,
                                       target: Target) -> None:
    target.need_writes()
    info = installation.need_set()
    key = installation.need_field("text", "key_field")
    number = installation.need_field("number", "number_field")
    if info.fields.get(number) and info.fields[number].required:
        pytest.skip(f"not checkable: {number} is required")
    tag = marker()
    api.store(info.id, [valid_result(info, **{key: tag, number: 1.0})])
    api.store(info.id, [{key: tag, number: None}], keyField=key)
    rows = keyed(api, installation, key, tag)
    assert len(rows) == 1 and rows[0].get(number) in (None, ""), \
        f"AS-04: a field set to null was not cleared: {rows}"[:300]


def refused(api: AlisQI, installation: Installation, result: dict[str, Any], key: str,
            tag: str, what: str) -> None:
    info = installation.need_set()
    response = api.store(info.id, [result])
    answer = json_of(response)
    whole_call = response.status_code == 400
    one_entry = response.status_code == 200 and isinstance(answer, list) and len(answer) == 1 \
        and not succeeded(answer[0])
    assert whole_call or one_entry, f"AS-02: {what} was accepted: {seen(response)}"
    assert not keyed(api, installation, key, tag), f"AS-02: {what} was stored anyway"


@pytest.mark.rule("AS-02")
def test_a_number_field_refuses_text(api: AlisQI, installation: Installation,
                                     target: Target) -> None:
    target.need_writes()
    info = installation.need_set()
    key, number, tag = (installation.need_field("text", "key_field"),
                        installation.need_field("number", "number_field"), marker())
    refused(api, installation, valid_result(info, **{key: tag, number: "not a number"}), key,
            tag, "text in a number field")


@pytest.mark.rule("AS-02")
def test_a_selection_refuses_an_unknown_option(api: AlisQI, installation: Installation,
                                               target: Target) -> None:
    target.need_writes()
    info = installation.need_set()
    selections = [f for f in info.of_type("selection") if f.options]
    if not selections:
        pytest.skip("not checkable: the set has no selection field with known options")
    key, tag = installation.need_field("text", "key_field"), marker()
    result = valid_result(info, **{key: tag, selections[0].name: f"{tag} no such option"})
    refused(api, installation, result, key, tag, "an unknown selection option")


@pytest.mark.rule("AS-02")
def test_a_missing_required_field_is_refused(api: AlisQI, installation: Installation,
                                             target: Target) -> None:
    target.need_writes()
    info = installation.need_set()
    key, tag = installation.need_field("text", "key_field"), marker()
    others = [f.name for f in info.fields.values() if f.required and f.name != key]
    if not others:
        pytest.skip("not checkable: the set has no required field besides the key field")
    result = valid_result(info, **{key: tag})
    del result[others[0]]
    refused(api, installation, result, key, tag, f"a result without required {others[0]}")


@pytest.mark.rule("AS-02")
def test_results_carry_only_the_sets_fields(api: AlisQI, installation: Installation) -> None:
    info = installation.need_set()
    for row in api.results(info.id, limit=20):
        unknown = [n for n in row if n not in info.fields and n != "date"
                   and not n.startswith("@")]
        assert not unknown, f"AS-02: results of set {info.id} carry fields {unknown} " \
                            "that its definition does not list"


@pytest.mark.rule("AS-11")
def test_dates_read_as_utc_wire_format(api: AlisQI, installation: Installation) -> None:
    info = installation.need_set()
    dated = [f.name for f in info.fields.values() if f.type in ("date", "datetime")]
    for row in api.results(info.id, limit=20):
        for name in ["date", *dated]:
            value = row.get(name)
            assert value is None or WIRE_DATE.match(str(value)), \
                f"AS-11: {name} reads {value!r}, expected yyyy-mm-dd hh:mm:ss"


@pytest.mark.rule("AS-11")
@pytest.mark.parametrize(("sent", "expected"), [
    ("2025-03-04 05:06:07", "2025-03-04 05:06:07"),
    ("2025-03-04T05:06:07+02:00", "2025-03-04 03:06:07"),
])
def test_dates_are_stored_as_utc(api: AlisQI, installation: Installation, target: Target,
                                 sent: str, expected: str) -> None:
    target.need_writes()
    info = installation.need_set()
    key, tag = installation.need_field("text", "key_field"), marker()
    response = api.store(info.id, [valid_result(info, **{key: tag, "date": sent})])
    assert response.status_code == 200, f"AS-11: storing date {sent!r}: {seen(response)}"
    rows = keyed(api, installation, key, tag)
    assert rows and rows[0].get("date") == expected, \
        f"AS-11: date {sent!r} reads back as {rows[0].get('date') if rows else None!r}, " \
        f"expected {expected!r}"
