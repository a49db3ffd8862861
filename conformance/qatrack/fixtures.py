"""Fixtures of the QATrack+ suite: identities as API clients, the collections to perform."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from ..target import Target
from . import MOCK_UTC_NAME
from ._api import Api, Collection, load_collection, resource_kind, submitted_tests

UTC_PATH = "/api/qa/unittestcollections/"


@pytest.fixture(scope="session")
def anon(target: Target) -> Api:
    return Api(target)


@pytest.fixture(scope="session")
def api(target: Target) -> Api:
    """The main identity: a user allowed to perform QA."""
    token = target.credentials.get("token")
    if not token:
        username = target.need("username", "a user allowed to perform QA")
        password = target.need("password", "that user's password")
        response = target.request("POST", "/api/get-token/",
                                  data={"username": username, "password": password})
        if response.status_code != 200:
            pytest.fail(f"QT-01: could not get a token for {username!r}: "
                        f"{response.status_code} {response.text[:200]}")
        token = response.json()["token"]
    return Api(target, token)


@pytest.fixture(scope="session")
def readonly_api(target: Target) -> Api:
    return Api(target, target.need("readonly_token", "a read-only user's token"))


def _collection_url(target: Target, api: Api, identity: str, cycle: bool) -> str | None:
    given = target.credentials.get(identity)
    if given:
        return given if given.startswith("http") or given.startswith("/") else (
            f"{UTC_PATH}{given}/")
    if not target.is_mock:
        return None
    wanted = "testlistcycles" if cycle else "testlists"
    for utc in api.everything(UTC_PATH, "QT-10", limit=500):
        if MOCK_UTC_NAME.search(str(utc.get("name", ""))) and resource_kind(
                utc.get("tests_object", "")) == wanted:
            return str(utc["url"])
    return None


@pytest.fixture(scope="session")
def collection(target: Target, api: Api) -> Collection:
    url = _collection_url(target, api, "unit_test_collection", cycle=False)
    if url is None:
        pytest.skip("not checkable: needs the unit test collection the suite may perform "
                    "(give --identity unit_test_collection=...)")
    return load_collection(api, url, "QT-10")


@pytest.fixture(scope="session")
def cycle_collection(target: Target, api: Api) -> Collection:
    url = _collection_url(target, api, "cycle_unit_test_collection", cycle=True)
    if url is None:
        pytest.skip("not checkable: needs a unit test collection of a test list cycle the suite "
                    "may perform (give --identity cycle_unit_test_collection=...)")
    found = load_collection(api, url, "QT-13")
    if not found.is_cycle:
        pytest.skip("not checkable: cycle_unit_test_collection is not a test list cycle")
    return found


def work_times() -> tuple[str, str, dt.date]:
    """Yesterday 10:00 to 11:00, written like the guide (``2018-07-6 10:00``: no padding)."""
    day = dt.date.today() - dt.timedelta(days=1)
    stamp = f"{day.year}-{day.month}-{day.day}"
    return f"{stamp} 10:00", f"{stamp} 11:00", day


def payload(collection: Collection, **overrides: Any) -> dict[str, Any]:
    started, completed, _ = work_times()
    body: dict[str, Any] = {
        "unit_test_collection": collection.url,
        "day": 0,
        "in_progress": False,
        "include_for_scheduling": False,  # never move a real schedule
        "work_started": started,
        "work_completed": completed,
        "user_key": f"apidouble-{uuid.uuid4()}",
        "comment": "apidouble conformance",
        "tests": submitted_tests(collection),
        "attachments": [],
    }
    body.update(overrides)
    return body


@dataclass
class Performed:
    """The one test list instance the suite creates on the plain collection."""

    sent: dict[str, Any]
    response: requests.Response
    body: dict[str, Any]


ATTACHMENTS = [
    {"filename": "apidouble-note.txt", "value": "performed by apidouble", "encoding": "text"},
    {"filename": "apidouble-data.bin", "value": "AAECA/8=", "encoding": "base64"},
]


@pytest.fixture(scope="session")
def performed(target: Target, api: Api, collection: Collection) -> Performed:
    target.need_writes()
    sent = payload(collection, attachments=ATTACHMENTS)
    response = api.post("/api/qa/testlistinstances/", json=sent)
    body = response.json() if response.headers.get("Content-Type", "").startswith(
        "application/json") else {}
    return Performed(sent, response, body)


@pytest.fixture
def instance_count(api: Api) -> Any:
    """A callable: how many test list instances carry a given ``user_key``.

    Counted among the newest instances rather than as a total, so tests that
    perform lists in parallel (``-n``) cannot change the answer.
    """
    def count(user_key: str) -> int:
        # ``user_key`` narrows the list where the server filters on it (unknown filters are
        # ignored, so the newest instances are still what is counted)
        page = api.json("/api/qa/testlistinstances/", "QT-17",
                        params={"limit": 100, "ordering": "-created", "user_key": user_key})
        return sum(1 for item in page["results"] if item.get("user_key") == user_key)
    return count
