"""Collections (QS-08) and single records (QS-09) in their envelopes."""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from ._client import Crms, body_of, seen

META = ("Offset", "Limit", "HasMore", "TotalCount")


def page(crms: Crms, path: str, **params: Any) -> dict[str, Any]:
    response = crms.get(path, params=params)
    body = body_of(response)
    assert response.status_code == 200, f"QS-08: GET {path} {params} answered {seen(response)}"
    assert isinstance(body.get("Data"), list) and isinstance(body.get("Meta"), dict), \
        f"QS-08: GET {path} is not {{Data: [...], Meta: {{...}}}}: {seen(response)}"
    missing = [key for key in META if key not in body["Meta"]]
    assert not missing, f"QS-08: GET {path}: Meta lacks {missing}: {body['Meta']}"
    return body


@pytest.mark.rule("QS-08")
@pytest.mark.parametrize("path", ["/courses", "/contacts", "/othercommunications"])
def test_total_count_only_when_asked(crms: Crms, path: str) -> None:
    plain = page(crms, path, limit=3)
    assert plain["Meta"]["TotalCount"] is None, \
        f"QS-08: GET {path} without returnTotal has TotalCount {plain['Meta']['TotalCount']!r}"
    assert len(plain["Data"]) <= 3, f"QS-08: limit=3 gave {len(plain['Data'])} rows"
    counted = page(crms, path, limit=3, returnTotal="true")
    total = counted["Meta"]["TotalCount"]
    assert isinstance(total, int) and total >= len(counted["Data"]), \
        f"QS-08: returnTotal=true gave TotalCount {total!r}"
    if counted["Meta"]["HasMore"] is not None:
        assert counted["Meta"]["HasMore"] == (total > len(counted["Data"])), \
            f"QS-08: HasMore {counted['Meta']['HasMore']} with {total} rows in all"


@pytest.mark.rule("QS-08")
def test_offset_pages_do_not_overlap(crms: Crms) -> None:
    first, second = page(crms, "/courses", limit=5), page(crms, "/courses", limit=5, offset=5)
    ids = [row.get("Id") for row in first["Data"] + second["Data"]]
    assert len(ids) == len(set(ids)), f"QS-08: pages at offset 0 and 5 overlap: {ids}"
    assert second["Meta"]["Offset"] in (5, None), f"QS-08: Meta.Offset {second['Meta']}"


@pytest.mark.rule("QS-08")
def test_search_by_email_address(crms: Crms, some_contact: dict[str, Any]) -> None:
    found = page(crms, "/contacts", emailAddress=some_contact["EmailAddress"])
    numbers = [row.get("CrmNumber") for row in found["Data"]]
    assert some_contact["CrmNumber"] in numbers, \
        f"QS-08: searching {some_contact['EmailAddress']!r} found {numbers}"


@pytest.mark.rule("QS-08")
def test_our_mock_caps_the_limit(target: Target, crms: Crms) -> None:
    target.need_mock("the cap's handling (reduce, not refuse) is our choice")
    capped = page(crms, "/courses", limit=500)
    assert capped["Meta"]["Limit"] == 50 and len(capped["Data"]) <= 50, capped["Meta"]


def single(crms: Crms, path: str) -> dict[str, Any]:
    response = crms.get(path)
    body = body_of(response)
    assert response.status_code == 200, f"QS-09: GET {path} answered {seen(response)}"
    assert isinstance(body.get("Data"), dict), \
        f"QS-09: GET {path} does not wrap the record in Data: {seen(response)}"
    assert body.get("Meta") == {}, f"QS-09: GET {path}: Meta is {body.get('Meta')!r}, not {{}}"
    return dict(body["Data"])


@pytest.mark.rule("QS-09")
def test_a_contact_comes_in_the_single_envelope(crms: Crms, some_contact: dict[str, Any]
                                                ) -> None:
    record = single(crms, f"/contacts/{some_contact['CrmNumber']}")
    assert record.get("CrmNumber") == some_contact["CrmNumber"], record


@pytest.mark.rule("QS-09")
def test_a_course_comes_in_the_single_envelope(crms: Crms) -> None:
    courses = crms.data("/courses", limit=1)
    if not courses or "Id" not in courses[0]:
        pytest.skip("not checkable: no course listed")
    assert single(crms, f"/courses/{courses[0]['Id']}").get("Id") == courses[0]["Id"]
