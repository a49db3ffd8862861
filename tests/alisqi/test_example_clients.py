"""The vendor's kind of example clients (Python requests, Node fetch, curl) work unchanged
against the mock with only the host changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apidouble.conformance.selfcheck import served

CLIENTS = Path(__file__).with_name("clients")


@pytest.fixture(scope="module")
def host(app: Any) -> Iterator[str]:
    with served(app) as base_url:
        yield base_url


@pytest.fixture()
def env(host: str, credentials: list[dict[str, Any]]) -> dict[str, str]:
    token = next(c["token"] for c in credentials if c["tokenName"] == "demo-extrusion-line1")
    return {**os.environ, "ALISQI_HOST": host, "ALISQI_TOKEN": token}


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60,
                          check=False)


def test_python_requests_client(env: dict[str, str], api: Any) -> None:
    done = run([sys.executable, str(CLIENTS / "alisqi_example.py"), "PY-1"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'stored ["", ""]' in done.stdout
    rows = api.get("/api/getResults", query_string={
        "setId": 1, "filter": json.dumps({"batchnumber_": "PY-1b"})}).get_json()
    assert rows[0]["meltindex_"] == "<0.5" and rows[0]["defects_"] == ["Gels"]


def test_curl_client(env: dict[str, str]) -> None:
    done = run(["sh", str(CLIENTS / "alisqi_example.sh"), "CURL-1"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    stored, read = done.stdout.strip().splitlines()
    assert json.loads(stored) == [""] and json.loads(read)[0]["thickness_"] == 39.5


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_client(env: dict[str, str]) -> None:
    done = run(["node", str(CLIENTS / "alisqi_example.js"), "NODE-1"], env)
    assert done.returncode == 0, done.stdout + done.stderr
