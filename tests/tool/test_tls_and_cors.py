"""``serve --tls`` (local CA, vendor host names, own certificate) and ``serve --cors``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from servers import serve

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app
from apidouble.mock_server.tls import local_certificate

VENDOR_HOST = "northwind.aliquora.example"


@contextmanager
def serving_tls(tmp_path: Path, *args: str,
                ca: Path | None = None) -> Iterator[tuple[str, Path]]:
    """``serve aliquora --root`` over HTTPS; yields the base URL and the CA to trust."""
    ca = ca or tmp_path / "data" / "apidouble" / "tls" / "ca.pem"
    with serve("aliquora", "--root", *args, "--db", f"sqlite:///{tmp_path / 'tls.sqlite3'}",
               ready_path="/api/v1", env={"XDG_DATA_HOME": str(tmp_path / "data")},
               scheme="https", verify=str(ca)) as base:
        yield base, ca


@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_tls_with_a_local_ca_trusted_by_a_client(server: str, tmp_path: Path) -> None:
    with serving_tls(tmp_path, "--tls", "--server", server) as (base, ca):
        answer = requests.get(base + "/__admin/clock", timeout=5, verify=str(ca))
        assert answer.status_code == 200 and "now" in answer.json()
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(base + "/api/v1", timeout=5)  # not trusted without the CA


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_a_client_that_hard_codes_the_vendor_host(tmp_path: Path) -> None:
    """Name resolution plus the CA: the vendor's https URL reaches the mock unchanged."""
    with serving_tls(tmp_path, "--tls-name", VENDOR_HOST) as (base, ca):
        port = base.rsplit(":", 1)[1]
        done = subprocess.run(
            ["curl", "-sS", "--cacert", str(ca), "-w", "\n%{http_code}",
             "--resolve", f"{VENDOR_HOST}:{port}:127.0.0.1",
             f"https://{VENDOR_HOST}:{port}/api/v1/whoami"],
            capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    body, status = done.stdout.rsplit("\n", 1)
    assert status == "401" and '"unauthorized"' in body  # the mock's own answer, over TLS


def test_own_certificate_and_one_line_errors(tmp_path: Path) -> None:
    files = local_certificate(tmp_path / "mine", ("example.test",))
    with serving_tls(tmp_path, "--tls-cert", str(files.cert), "--tls-key", str(files.key),
                     ca=files.ca) as (base, _):
        assert requests.get(base + "/__admin/clock", timeout=5, verify=str(files.ca)).ok
    lonely = subprocess.run([sys.executable, "-m", "apidouble", "serve", "--tls-cert",
                             str(files.cert)], capture_output=True, text=True, timeout=60)
    assert lonely.returncode == 2
    assert lonely.stderr.strip() == "apidouble: --tls-cert and --tls-key go together"


def test_local_ca_is_kept_so_trust_lasts(tmp_path: Path) -> None:
    first = local_certificate(tmp_path, ())
    ca_before = first.ca.read_bytes() if first.ca else b""
    second = local_certificate(tmp_path, ("other.example",))
    assert second.ca is not None and second.ca.read_bytes() == ca_before


def test_cors_on_the_api_never_on_admin() -> None:
    app = create_app("aliquora", Config(db_url="sqlite:///:memory:",
                                        cors_origins=("https://app.example",)))
    client = app.test_client()
    preflight = client.options("/api/v1/samples", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    plain = client.get("/api/v1/whoami", headers={"Origin": "https://app.example"})
    assert plain.status_code == 401  # CORS does not replace authentication
    assert plain.headers["Access-Control-Allow-Origin"] == "https://app.example"
    other = client.get("/api/v1/whoami", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    admin = client.get("/__admin/credentials", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in admin.headers


def test_no_cors_without_the_option() -> None:
    client = create_app("aliquora", Config(db_url="sqlite:///:memory:")).test_client()
    answer = client.get("/api/v1/whoami", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in answer.headers
