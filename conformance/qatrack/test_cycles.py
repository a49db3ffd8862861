"""QT-13: performing a test list cycle takes a 0-based day."""

from __future__ import annotations

import pytest

from apidouble.conformance.qatrack._api import Api, Collection, messages
from apidouble.conformance.qatrack.fixtures import payload
from apidouble.conformance.target import Target

PERFORM = "/api/qa/testlistinstances/"


@pytest.mark.rule("QT-13")
def test_day_out_of_range(target: Target, api: Api, cycle_collection: Collection) -> None:
    target.need_writes()
    days = cycle_collection.days
    for day in (days, days + 3):
        response = api.post(PERFORM, json=payload(cycle_collection, day=day))
        assert response.status_code == 400, f"QT-13: day={day} of {days} answered " \
                                            f"{response.status_code}"
        expected = (f"'{day}' is not a valid day for this Test Collection.  "
                    f"Day must be between 0 & {days - 1}")
        assert expected in messages(response.json()), f"QT-13: body {response.text[:300]}"


@pytest.mark.rule("QT-13")
def test_day_is_required_for_cycles(target: Target, api: Api,
                                    cycle_collection: Collection) -> None:
    target.need_writes()
    body = payload(cycle_collection)
    del body["day"]
    response = api.post(PERFORM, json=body)
    assert response.status_code == 400, f"QT-13: no day answered {response.status_code}"
    assert ("You must include the 'day' key when performing a Test List Cycle"
            in messages(response.json())), f"QT-13: body {response.text[:300]}"


@pytest.mark.rule("QT-13")
def test_last_day_is_performed(target: Target, api: Api, cycle_collection: Collection) -> None:
    target.need_writes()
    last = cycle_collection.days - 1
    response = api.post(PERFORM, json=payload(cycle_collection, day=last))
    assert response.status_code == 201, (
        f"QT-13: day={last} answered {response.status_code}: {response.text[:300]}")
    assert response.json()["day"] == last, f"QT-13: day came back as {response.json()['day']}"
