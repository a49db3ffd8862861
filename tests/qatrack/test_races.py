"""Check-then-act under concurrency: one ``user_key``, one instance (QT-17).

16 clients post the same ``user_key`` at once to a 2-worker ``apidouble serve``;
the database's unique constraint decides, so exactly one instance is created
and every other client gets DRF's unique message. The same on PostgreSQL when
``APIDOUBLE_TEST_POSTGRES_URL`` is set (required under CI).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app

CLIENTS = 16
PERFORM = "/api/qa/testlistinstances/"
DUPLICATE = {"user_key": ["test list instance with this user key already exists."]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(db_url: str) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "apidouble", "serve", "qatrack", "--root", "--workers",
               "2", "--no-rate-limits", "--port", str(port), "--db", db_url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _wait(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited: {process.stdout.read() if process.stdout else ''}")
        try:
            requests.get(base + "/__admin/credentials", timeout=2).raise_for_status()
            return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail("server did not start")


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
    for _ in range(2):
        key = f"race-{uuid.uuid4().hex}"
        answers = _race(base, headers, {**body, "user_key": key})
        codes = sorted(a.status_code for a in answers)
        assert codes == [201] + [400] * (CLIENTS - 1), codes
        assert all(a.json() == DUPLICATE for a in answers if a.status_code == 400)
        listed = requests.get(base + PERFORM, params={"user_key": key, "limit": 100},
                              headers=headers, timeout=10).json()
        assert [i["user_key"] for i in listed["results"]].count(key) == 1, listed["count"]


def test_one_instance_per_user_key_on_sqlite(tmp_path: Path) -> None:
    with serving(f"sqlite:///{tmp_path / 'races.sqlite3'}") as base:
        _one_instance_per_key(base)


def test_one_instance_per_user_key_on_postgresql() -> None:
    url = os.environ.get("APIDOUBLE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set APIDOUBLE_TEST_POSTGRES_URL (see .ci/run)")
        pytest.skip("APIDOUBLE_TEST_POSTGRES_URL is not set")
    with serving(url) as base:
        requests.post(base + "/__admin/reset", timeout=60)  # tables as this branch defines them
        _one_instance_per_key(base)


def test_a_fault_type_coded_zero_gets_a_slug() -> None:
    client = create_app("qatrack", Config(db_url="sqlite:///:memory:")).test_client()
    users = client.get("/__admin/credentials").get_json()["credentials"]
    token = next(u["token"] for u in users if u["role"] == "admin")
    made = client.post("/api/faults/faulttypes/", json={"code": "0"},
                       headers={"Authorization": f"Token {token}"})
    assert made.status_code == 201 and made.get_json()["slug"] == "0", made.get_json()
