"""Check-then-act under concurrency: 16 clients against a 2-worker ``serve``, ten rounds,
on SQLite and on PostgreSQL. Of 16 identical state changes exactly one wins."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from engines import fresh_postgres_database
from servers import free_port

CLIENTS = 16
ROUNDS = 10


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[str]:
    where = tmp_path_factory.mktemp("races")
    if request.param == "sqlite":
        yield from _serve(f"sqlite:///{where / 'races.sqlite3'}", where)
    else:
        with fresh_postgres_database() as url:
            yield from _serve(url, where)


def _serve(db: str, where: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "apidouble", "serve", "aliquora", "--root", "--workers", "2",
         "--port", str(port), "--db", db, "--no-rate-limits"],
        stdout=(where / "serve.log").open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (where / "serve.log").read_text()[-2000:]
            try:
                requests.get(url + "/__admin/credentials", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _headers(url: str) -> dict[str, str]:
    entries = requests.get(url + "/__admin/credentials", timeout=10).json()["credentials"]
    key = next(e["apiKey"] for e in entries if e["plan"] == "api")
    return {"Authorization": f"Bearer {key}"}


def _together(call: Any) -> list[int]:
    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(lambda _: call(), range(CLIENTS)))


def _new_sample(url: str, headers: dict[str, str]) -> dict[str, Any]:
    api = url + "/api/v1"
    material = requests.get(api + "/material-types", headers=headers,
                            timeout=10).json()["data"][0]["id"]
    definition = next(d for d in requests.get(api + "/test-definitions", headers=headers,
                                              timeout=10).json()["data"]
                      if d.get("resultType", "numeric") == "numeric")
    created = requests.post(api + "/samples", headers=headers, timeout=10, json={
        "clientName": "Race", "materialTypeId": material,
        "testDefinitionIds": [definition["id"]]})
    assert created.status_code == 201, created.text
    return created.json()


def test_one_verification_wins_and_transitions_stay_consistent(base: str) -> None:
    headers = _headers(base)
    api = base + "/api/v1"
    for _ in range(ROUNDS):
        sample = _new_sample(base, headers)
        test_id = requests.get(api + f"/sample-tests?sampleId={sample['id']}", headers=headers,
                               timeout=10).json()["data"][0]["id"]
        entered = requests.patch(api + f"/sample-tests/{test_id}", headers=headers,
                                 json={"result": "7.5"}, timeout=10)
        assert entered.status_code == 200, entered.text
        verify_url = api + f"/sample-tests/{test_id}/verify"
        verified = _together(lambda url=verify_url: requests.post(
            url, headers=headers, timeout=30).status_code)
        assert verified.count(200) == 1 and verified.count(409) == CLIENTS - 1, verified
        status_url = api + f"/samples/{sample['id']}/status"
        moved = _together(lambda url=status_url: requests.patch(
            url, headers=headers, json={"status": "received"}, timeout=30).status_code)
        # the same target again is allowed (idempotent); a lost compare-and-set is a 409
        assert set(moved) <= {200, 409} and 200 in moved, moved
        assert requests.get(api + f"/samples/{sample['id']}", headers=headers,
                            timeout=10).json()["status"] == "received"
