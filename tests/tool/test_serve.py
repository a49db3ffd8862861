"""``apidouble serve`` really serves: gunicorn and granian, at the root and combined."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from servers import free_port, start_serve, stop, wait_until_up

from apidouble.mock_server.systems import SYSTEMS


@contextmanager
def serving(*args: str, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    process = start_serve([*args, "--db", f"sqlite:///{tmp_path / 'serve.sqlite3'}"], port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process)
        yield base, process
    finally:
        stop(process)


def demo_key(admin_base: str) -> str:
    entries = requests.get(admin_base + "/__admin/credentials", timeout=5).json()["credentials"]
    return next(e["apiKey"] for e in entries if e["plan"] == "api")


@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_one_system_at_its_real_paths(server: str, tmp_path: Path) -> None:
    with serving("aliquora", "--root", "--server", server, tmp_path=tmp_path) as (base, _):
        key = demo_key(base)
        response = requests.get(base + "/api/v1/whoami",
                                headers={"Authorization": f"Bearer {key}"}, timeout=5)
        assert response.status_code == 200 and response.json()["version"] == "v1"
        missing = requests.get(base + "/nowhere", timeout=5)
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_every_system_under_its_name_and_credentials_printed(tmp_path: Path) -> None:
    with serving("--workers", "2", tmp_path=tmp_path) as (base, process):
        index = requests.get(base + "/", timeout=5).json()
        assert "aliquora" in index["systems"]
        key = demo_key(base + "/aliquora")
        response = requests.get(base + "/aliquora/api/v1/samples?limit=1",
                                headers={"Authorization": f"Bearer {key}"}, timeout=5)
        assert response.status_code == 200 and len(response.json()["data"]) == 1
        clock = requests.post(base + "/aliquora/__admin/clock", json={"advance": 60}, timeout=5)
        assert clock.json()["offsetSeconds"] == 60
        # the other worker sees the same clock: it lives in the database
        offsets = {requests.get(base + "/aliquora/__admin/clock", timeout=5).json()[
            "offsetSeconds"] for _ in range(6)}
        assert offsets == {60.0}
        # the workers listen with SO_REUSEPORT; a second serve on the port is still refused
        port = base.rsplit(":", 1)[1]
        second = subprocess.run(
            [sys.executable, "-m", "apidouble", "serve", "aliquora", "--port", port,
             "--db", f"sqlite:///{tmp_path / 'second.sqlite3'}"],
            capture_output=True, text=True, timeout=60)
        assert second.returncode != 0 and "cannot listen on" in second.stderr
        assert "Traceback" not in second.stderr
    output = process.stdout.read() if process.stdout else ""
    assert f"{base}/aliquora" in output and key in output


def test_unknown_system_is_refused() -> None:
    result = subprocess.run([sys.executable, "-m", "apidouble", "serve", "nonesuch"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "unknown system" in result.stderr


@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_keep_alive_after_an_early_error_and_bounded_request_lines(server: str,
                                                                  tmp_path: Path) -> None:
    """A 401 answered before the body was read leaves the connection usable (granian hung);
    a 1,500-term Alemba $filter reaches the app; a request line beyond the bound is refused."""
    with serving("aliquora", "alemba", "--server", server, tmp_path=tmp_path) as (base, _):
        session = requests.Session()
        for _ in range(3):
            early = session.post(base + "/aliquora/api/v1/samples", data=b'{"a": 1}' * 4000,
                                 headers={"Content-Type": "application/json"}, timeout=10)
            assert early.status_code == 401
        assert session.get(base + "/aliquora/api/v1/whoami", timeout=10).status_code == 401
        terms = " or ".join(f"Ref eq {n}" for n in range(1500))
        long = session.get(base + "/alemba/alemba.api/api/v1/call",
                           params={"$filter": terms}, timeout=30)
        assert long.status_code in (400, 401) and long.headers["Content-Type"].startswith(
            "application/json")
        with pytest.raises(requests.RequestException):
            huge = requests.get(base + "/aliquora/api/v1/samples?x=" + "y" * 2_000_000,
                                timeout=30)
            assert huge.status_code < 500 and huge.status_code != 200
            raise requests.RequestException("refused by the server, as it should be")
        assert requests.get(base + "/", timeout=5).status_code == 200  # still serving


#: what granian cannot do: send a custom reason phrase (QS Enrolment's throttle 429, which
#: QS-13 and our mock's own QS-12 window test read)
GRANIAN_CANNOT = {"qses": ["-k", "not QS_13 and not test_our_mock_counts_the_minute_window"]}


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_the_suite_passes_on_granian(system: str, tmp_path: Path) -> None:
    """granian once left a keep-alive connection hanging after an early 400 (AQ-01)."""
    with serving(system, "--server", "granian", tmp_path=tmp_path) as (base, _):
        check = subprocess.run(
            [sys.executable, "-m", "apidouble", "check", system, "--base-url",
             f"{base}/{system}", "--report-dir", str(tmp_path / "report"),
             *GRANIAN_CANNOT.get(system, [])],
            capture_output=True, text=True, timeout=600)
        assert check.returncode == 0, check.stdout[-3000:]


def test_check_recognises_a_mock_served_with_an_admin_token(tmp_path: Path) -> None:
    with serving("aliquora", "--admin-token", "team-secret", tmp_path=tmp_path) as (base, _):
        refused = requests.get(base + "/aliquora/__admin/credentials", timeout=5)
        assert refused.status_code == 401
        command = [sys.executable, "-m", "apidouble", "check", "aliquora", "--base-url",
                   base + "/aliquora", "--report-dir", str(tmp_path / "report"), "-k", "AQ_07"]
        check = subprocess.run([*command, "--admin-token", "team-secret"], capture_output=True,
                               text=True, timeout=300)
        assert check.returncode == 0, check.stdout[-3000:]
        assert re.search(r"AQ-07\s+passed", check.stdout), check.stdout[-3000:]
        without = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert not re.search(r"AQ-07\s+passed", without.stdout)  # not taken for our mock


def test_a_worker_freezes_what_startup_built(tmp_path: Path) -> None:
    """A serving worker's app factory leaves its startup objects out of the collector's full
    passes (``gc.freeze``), and the app still answers. A subprocess: freezing is for the
    worker's whole life."""
    script = f"""
import gc
from apidouble.mock_server.core import Config
from apidouble.mock_server.serve import ServeOptions, combined_app
before = gc.get_freeze_count()
app = combined_app(ServeOptions(("aliquora",), root=True,
                                config=Config(db_url="sqlite:///{tmp_path}/a.sqlite3")))
frozen = gc.get_freeze_count()
from werkzeug.test import Client
status = Client(app).get("/__admin/credentials").status_code
print(before, frozen, status, len(gc.get_objects()))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    before, frozen, status, tracked = (int(word) for word in done.stdout.split())
    assert before == 0 and frozen > 20_000 and status == 200
    assert tracked < frozen  # what the collector still walks is a small part

