"""The shared mock on real engines: two ``serve`` instances (two "machines") on one
PostgreSQL database and one Redis, as a team runs it.

Writes, the clock, rate limits and single-use refresh tokens hold across both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from engines import fresh_postgres_database, redis_url
from servers import free_port

from apidouble.mock_server.systems import SYSTEMS


def start(db: str, redis: str, log: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "apidouble", "serve", *SYSTEMS, "--port", str(port),
         "--db", db, "--redis", redis],
        stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited: {log.read_text()[-2000:]}")
        try:
            requests.get(base + "/", timeout=1)
            return base, process
        except requests.RequestException:
            time.sleep(0.3)
    pytest.fail("serve did not start")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    redis = redis_url()
    logs = tmp_path_factory.mktemp("shared")
    with fresh_postgres_database() as db:
        first, one = start(db, redis, logs / "a.log")  # prepares (seeds) the database
        second, two = start(db, redis, logs / "b.log")  # finds it seeded
        try:
            for system in SYSTEMS:
                requests.post(f"{first}/{system}/__admin/reset", timeout=30).raise_for_status()
            yield first, second
        finally:
            for process in (one, two):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


def aliquora_headers(base: str) -> dict[str, str]:
    entries = requests.get(base + "/aliquora/__admin/credentials", timeout=10).json()
    key = next(e["apiKey"] for e in entries["credentials"] if e["plan"] == "api")
    return {"Authorization": f"Bearer {key}"}


def test_a_write_on_one_is_visible_at_once_on_the_other(pair: tuple[str, str]) -> None:
    first, second = pair
    headers = aliquora_headers(first)
    listing = f"{second}/aliquora/api/v1/samples?limit=1"
    before = requests.get(listing, headers=headers, timeout=10).json()["data"][0]["id"]
    material = requests.get(f"{first}/aliquora/api/v1/material-types", headers=headers,
                            timeout=10).json()["data"][0]["id"]
    created = requests.post(f"{first}/aliquora/api/v1/samples", headers=headers, timeout=10,
                            json={"clientName": "Shared", "materialTypeId": material})
    assert created.status_code == 201, created.text
    sample = created.json()["id"]
    assert requests.get(f"{second}/aliquora/api/v1/samples/{sample}", headers=headers,
                        timeout=10).json()["clientName"] == "Shared"
    newest = requests.get(listing, headers=headers, timeout=10).json()["data"][0]["id"]
    assert newest == sample != before  # the other's page cache did not serve a stale list


def test_one_clock_for_both(pair: tuple[str, str]) -> None:
    first, second = pair
    moved = requests.post(f"{first}/alemba/__admin/clock", json={"advance": 3600}, timeout=10)
    offset = moved.json()["offsetSeconds"]
    assert requests.get(f"{second}/alemba/__admin/clock", timeout=10).json()[
        "offsetSeconds"] == offset >= 3600


def test_rate_limits_are_exact_across_both(pair: tuple[str, str]) -> None:
    first, second = pair
    headers = aliquora_headers(first)
    now = requests.get(f"{first}/aliquora/__admin/clock", timeout=10).json()["now"]
    seconds = int(now[17:19])
    # start at the beginning of a fresh minute window on the shared clock
    requests.post(f"{first}/aliquora/__admin/clock", json={"advance": 61 - seconds}, timeout=10)

    def hit(index: int) -> int:
        base = first if index % 2 else second
        return requests.get(f"{base}/aliquora/api/v1/whoami", headers=headers,
                            timeout=30).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(hit, range(150)))
    assert statuses.count(200) == 120 and statuses.count(429) == 30


def test_a_refresh_token_is_used_once_across_both(pair: tuple[str, str]) -> None:
    first, second = pair
    entry = next(e for e in requests.get(f"{first}/alemba/__admin/credentials", timeout=10)
                 .json()["credentials"] if e["name"] == "analyst")
    form = {"client_id": entry["client_id"], "grant_type": "password", "scope": entry["scope"],
            "username": entry["username"], "password": entry["password"]}
    login = requests.post(f"{first}/alemba/alemba.web/oauth/login", data=form, timeout=10)
    refresh = login.json()["refresh_token"]

    def use(index: int) -> int:
        base = first if index % 2 else second
        return requests.post(f"{base}/alemba/alemba.web/oauth/login", timeout=30, data={
            "client_id": entry["client_id"], "grant_type": "refresh_token",
            "refresh_token": refresh}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(use, range(8)))
    assert statuses.count(200) == 1 and all(400 <= s < 500 for s in statuses if s != 200), statuses


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_the_conformance_suite_passes_on_postgres_and_redis(pair: tuple[str, str], system: str,
                                                            tmp_path: Path) -> None:
    first, _ = pair
    result = subprocess.run(
        [sys.executable, "-m", "apidouble", "check", system, "--base-url", f"{first}/{system}",
         "--report-dir", str(tmp_path), "-m", "not generated"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
