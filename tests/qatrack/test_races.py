"""Check-then-act under concurrency: one ``user_key``, one instance (QT-17).

16 clients post the same ``user_key`` at once to a 2-worker ``apidouble serve``;
the database's unique constraint decides, so exactly one instance is created
and every other client gets DRF's unique message. The same on PostgreSQL when
``APIDOUBLE_TEST_POSTGRES_URL`` is set (required under CI).
"""

from __future__ import annotations

import threading
import uuid
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import requests
from engines import fresh_postgres_database
from servers import serve

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app

CLIENTS = 16
PERFORM = "/api/qa/testlistinstances/"
DUPLICATE = {"user_key": ["test list instance with this user key already exists."]}


def serving(db_url: str) -> AbstractContextManager[str]:
    return serve("qatrack", "--root", "--workers", "2", "--no-rate-limits", "--db", db_url)


def _submission(base: str) -> tuple[dict[str, str], dict[str, Any]]:
    users = requests.get(base + "/__admin/credentials", timeout=10).json()["credentials"]
    token = next(u["token"] for u in users if u["role"] == "performer")
    fixtures = requests.get(base + "/__admin/fixtures", timeout=10).json()
    utc = next(f["path"] for f in fixtures["unit_test_collections"] if f["kind"] == "test_list")
    tests = {"number_1": {"value": 1}, "number_2": {"value": 2}, "conf_number": {"value": 10.5},
             "conf_percent": {"value": 103}, "conf_bool": {"value": True},
             "conf_choice": {"value": "Minor"}, "conf_string": {"value": "abc"},
             "conf_upload": {"filename": "r.txt", "value": "race", "encoding": "text"}}
    body = {"unit_test_collection": utc, "work_started": "2024-05-01 10:00",
            "include_for_scheduling": False, "tests": tests}
    return {"Authorization": f"Token {token}"}, body


def _race(base: str, headers: dict[str, str], body: dict[str, Any]) -> list[requests.Response]:
    start = threading.Barrier(CLIENTS)
    answers: list[requests.Response] = []

    def one() -> None:
        with requests.Session() as session:
            start.wait()
            answers.append(session.post(base + PERFORM, json=body, headers=headers, timeout=60))

    threads = [threading.Thread(target=one) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _one_instance_per_key(base: str) -> None:
    headers, body = _submission(base)
    for _ in range(10):  # ten races in a row, as the hardening issue asks
        key = f"race-{uuid.uuid4().hex}"
        answers = _race(base, headers, {**body, "user_key": key})
        codes = sorted(a.status_code for a in answers)
        unexpected = [(a.status_code, a.text[:300]) for a in answers if a.status_code not in
                      (201, 400)]
        assert codes == [201] + [400] * (CLIENTS - 1), (codes, unexpected)
        assert all(a.json() == DUPLICATE for a in answers if a.status_code == 400)
        listed = requests.get(base + PERFORM, params={"user_key": key, "limit": 100},
                              headers=headers, timeout=10).json()
        assert [i["user_key"] for i in listed["results"]].count(key) == 1, listed["count"]


def test_one_instance_per_user_key_on_sqlite(tmp_path: Path) -> None:
    with serving(f"sqlite:///{tmp_path / 'races.sqlite3'}") as base:
        _one_instance_per_key(base)


def test_one_instance_per_user_key_on_postgresql() -> None:
    with fresh_postgres_database() as url, serving(url) as base:
        _one_instance_per_key(base)


def test_a_fault_type_coded_zero_gets_a_slug() -> None:
    client = create_app("qatrack", Config(db_url="sqlite:///:memory:")).test_client()
    users = client.get("/__admin/credentials").get_json()["credentials"]
    token = next(u["token"] for u in users if u["role"] == "admin")
    made = client.post("/api/faults/faulttypes/", json={"code": "0"},
                       headers={"Authorization": f"Token {token}"})
    assert made.status_code == 201 and made.get_json()["slug"] == "0", made.get_json()
