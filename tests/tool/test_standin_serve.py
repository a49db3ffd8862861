"""The stand-in mechanisms under the real server: gunicorn with two worker processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(tmp_path: Path, *args: str) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "apidouble", "serve", "aliquora", *args, "--workers", "2",
               "--port", str(port), "--db", f"sqlite:///{tmp_path / 'serve.sqlite3'}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + "/", timeout=1)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("server did not start")
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


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
