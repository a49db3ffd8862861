"""The stand-in mechanisms under the real server: gunicorn with two worker processes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from servers import serve


@contextmanager
def serving(tmp_path: Path, *args: str) -> Iterator[str]:
    with serve("aliquora", *args, "--workers", "2",
               "--db", f"sqlite:///{tmp_path / 'serve.sqlite3'}", ready_path="/") as base:
        yield base


def test_faults_are_exact_across_workers_and_drop_the_connection(tmp_path: Path) -> None:
    with serving(tmp_path, "--root") as base:
        fault = requests.post(base + "/__admin/faults", timeout=5,
                              json={"path": "/api/v1/whoami", "status": 503, "times": 7})
        assert fault.status_code == 201
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(
                lambda _: requests.get(base + "/api/v1/whoami", timeout=10).status_code,
                range(24)))
        assert statuses.count(503) == 7 and statuses.count(401) == 17
        requests.post(base + "/__admin/faults", timeout=5,
                      json={"path": "/api/v1/samples", "dropConnection": True})
        with pytest.raises(requests.ConnectionError):
            requests.get(base + "/api/v1/samples", timeout=10)
        assert requests.delete(base + "/__admin/faults", timeout=5).status_code == 200
        assert requests.get(base + "/api/v1/samples", timeout=10).status_code == 401


def test_the_journal_keeps_the_path_as_sent_under_the_mount_prefix(tmp_path: Path) -> None:
    with serving(tmp_path) as base:
        requests.get(base + "/aliquora/api/v1/whoami?Login_Token=abcdefghijklmnop", timeout=5)
        entries: list = []
        deadline = time.monotonic() + 5  # another worker writes its entries within 0.5 s
        while not entries and time.monotonic() < deadline:
            time.sleep(0.2)
            entries = requests.get(base + "/aliquora/__admin/requests", timeout=5,
                                   params={"path": "/aliquora/api/*"}).json()["requests"]
        assert entries, "the request never reached the journal"
        assert entries[0]["path"] == "/aliquora/api/v1/whoami"
        assert entries[0]["query"] == "Login_Token=abcd****"
        assert entries[0]["status"] == 401
