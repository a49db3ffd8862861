"""Smoke test of the load profiles: a short ``apidouble load`` run against a live mock.

Locust and the mock both run in subprocesses: Locust's gevent monkey-patching
(and whatever it warns about) must never reach the pytest process, so this
module does not import locust; it only checks that it can be imported.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

#: every request the Aliquora profile makes: its tasks and its start-up look-ups
ALIQUORA_REQUESTS = {
    ("GET", "/api/v1/samples"),
    ("GET", "/api/v1/samples/:id"),
    ("GET", "/api/v1/sample-tests"),
    ("POST", "/api/v1/samples"),
    ("PATCH", "/api/v1/sample-tests/:id"),
    ("POST", "/api/v1/sample-tests/bulk-results"),
    ("POST", "/api/v1/sample-tests/:id/verify"),
    ("POST", "/api/v1/samples/:id/report"),
    ("POST", "/api/v1/instrument-uploads"),
    ("GET", "/api/v1/test-definitions"),
    ("GET", "/api/v1/material-types"),
    ("GET", "/api/v1/projects"),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the mock exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the mock did not answer {url} within {timeout}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def locust_importable() -> None:
    probe = subprocess.run([sys.executable, "-c", "import locust"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("locust cannot be imported: " + probe.stderr.decode(errors="replace")[-300:])


@pytest.fixture(scope="module")
def aliquora_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``apidouble serve aliquora --root`` on a free loopback port, fresh SQLite file."""
    directory = tmp_path_factory.mktemp("aliquora-mock")
    port = _free_port()
    env = {**os.environ, "XDG_RUNTIME_DIR": str(directory), "XDG_DATA_HOME": str(directory)}
    command = [sys.executable, "-m", "apidouble", "serve", "aliquora", "--root",
               "--host", "127.0.0.1", "--port", str(port), "--no-rate-limits",
               "--db", f"sqlite:///{directory / 'aliquora.sqlite3'}"]
    with open(directory / "serve.log", "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(f"{base}/__admin/credentials", process, timeout=60)
        yield base
    finally:
        _stop(process)


def test_aliquora_profile_runs_every_request_without_failures(
    locust_importable: None, aliquora_mock: str, tmp_path: Path
) -> None:
    prefix = tmp_path / "aliquora"
    # Every user runs each task once first (then by weight), with short think times.
    env = {**os.environ, "APIDOUBLE_TOUR": "1", "APIDOUBLE_THINK_TIME": "0,0.05"}
    env.pop("APIDOUBLE_API_KEY", None)
    env.pop("APIDOUBLE_SHAPE", None)
    run = subprocess.run(
        [sys.executable, "-m", "apidouble", "load", "aliquora", "--base-url", aliquora_mock,
         "--users", "4", "--spawn-rate", "4", "--run-time", "8s", "--csv", str(prefix)],
        capture_output=True, env=env, timeout=120,
    )
    output = (run.stdout + run.stderr).decode(errors="replace")
    assert run.returncode == 0, output[-3000:]

    with open(f"{prefix}_stats.csv", newline="") as stats_file:
        rows = [row for row in csv.DictReader(stats_file) if row["Name"] != "Aggregated"]
    counts = {(row["Type"], row["Name"]): int(row["Request Count"]) for row in rows}
    missing = {request for request in ALIQUORA_REQUESTS if counts.get(request, 0) == 0}
    assert not missing, f"never requested: {sorted(missing)}\n{output[-3000:]}"
    assert [row for row in rows if int(row["Failure Count"])] == [], output[-3000:]
    # name= on every templated URL: no raw ids in the statistics
    assert [name for _, name in counts if re.search(r"/\d", name)] == []
    with open(f"{prefix}_exceptions.csv", newline="") as exceptions_file:
        assert list(csv.DictReader(exceptions_file)) == [], "a task raised"
