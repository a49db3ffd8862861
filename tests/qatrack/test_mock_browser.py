"""QATrack+ mock: the browsable API in a real headless Chromium (QT-04).

Chromium's own ``--dump-dom`` loads the page and prints the DOM, so no Python
browser driver is needed; the test skips when Debian's ``chromium`` is absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian's chromium is not installed "
                                           "(apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = create_app("qatrack", Config(db_url="sqlite:///:memory:"))
    mounted = DispatcherMiddleware(Response("", 404), {"/qatrack": app})
    server = make_server("127.0.0.1", 0, mounted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/qatrack"
    server.shutdown()


def dump_dom(url: str, profile: Path) -> str:
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"chromium could not run here: {exc}")
    if "<html" not in done.stdout:
        pytest.skip(f"chromium printed no page: {done.stderr[-300:]}")
    return done.stdout


@needs_chromium
def test_anonymous_api_root_offers_the_session_login(base_url: str, tmp_path: Path) -> None:
    dom = dump_dom(f"{base_url}/api/", tmp_path)
    assert "<title>Api Root" in dom
    assert "HTTP 401 Unauthorized" in dom
    assert 'href="/qatrack/api-auth/login/?next=/qatrack/api/">Log in</a>' in dom
    login = dump_dom(f"{base_url}/api-auth/login/?next=/qatrack/api/", tmp_path)
    assert 'name="csrfmiddlewaretoken"' in login and 'name="password"' in login


@needs_chromium
def test_get_token_page_offers_a_post_form(base_url: str, tmp_path: Path) -> None:
    dom = dump_dom(f"{base_url}/api/get-token/", tmp_path)
    assert "HTTP 405 Method Not Allowed" in dom
    assert 'data-method="POST"' in dom and 'name="_content"' in dom


def test_session_login_then_the_root_is_a_page_of_links() -> None:
    """DRF's login form: csrf token, credentials, a session cookie, then session auth."""
    app = create_app("qatrack", Config(db_url="sqlite:///:memory:"))
    client = app.test_client()
    user = client.get("/__admin/credentials").get_json()["credentials"][0]
    form = client.get("/api-auth/login/?next=/api/").get_data(as_text=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', form)
    assert token is not None
    wrong = client.post("/api-auth/login/", data={
        "csrfmiddlewaretoken": token.group(1), "username": user["username"], "password": "x"})
    assert "Please enter a correct username and password" in wrong.get_data(as_text=True)
    done = client.post("/api-auth/login/", data={
        "csrfmiddlewaretoken": token.group(1), "next": "/api/",
        "username": user["username"], "password": user["password"]})
    assert done.status_code == 302 and done.headers["Location"] == "/api/"
    page = client.get("/api/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'href="http://localhost/api/units"' in page.get_data(
        as_text=True)
    refused = client.post("/api/auth/groups/", json={"name": "no csrf"})
    assert refused.status_code == 403 and refused.get_json() == {
        "detail": "CSRF Failed: CSRF token missing or incorrect."}
