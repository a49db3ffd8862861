"""The ``apidouble_server`` fixture, as an integrator's project uses it: a pytest run of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TEST_FILE = '''
import requests

def test_served_and_reset(apidouble_server):
    base = apidouble_server.base_url("aliquora")
    key = apidouble_server.credential("aliquora", "apiKey", plan="api")
    answer = requests.get(f"{base}/api/v1/whoami",
                          headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    moved = apidouble_server.advance_clock(86400, "aliquora")
    assert moved.startswith("20")

def test_clock_back_after_reset(apidouble_server):
    clock = apidouble_server.admin("GET", "clock", "aliquora")
    assert clock["offsetSeconds"] == 0

def test_one_system_needs_no_name(apidouble_server):
    assert apidouble_server.base_url().endswith("/aliquora")
'''


def run_inner(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_inner.py").write_text(TEST_FILE)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "--apidouble-serve", "aliquora", *options, str(tmp_path / "test_inner.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("mode", ["inprocess", "subprocess"])
def test_fixture_serves_resets_and_moves_the_clock(tmp_path: Path, mode: str) -> None:
    done = run_inner(tmp_path, "--apidouble-mode", mode)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout


def test_unknown_system_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(TEST_FILE)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--apidouble-serve", "nosuch", str(tmp_path / "test_inner.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "unknown system(s) nosuch" in done.stdout + done.stderr
