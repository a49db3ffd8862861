"""AS-10, AS-13: the Integration hub in headless Chromium, mounted under ``/alisqi`` as
``serve`` mounts it: per-set documentation generated from the definition, the API log of
recent calls (token name, operation, status, duration) and the masked token list."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

Dom = Callable[[str], str]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = create_app("alisqi", Config(db_url="sqlite:///:memory:", rate_limits=False))
    mounted = DispatcherMiddleware(Response("", 404), {"/alisqi": app})
    server = make_server("127.0.0.1", 0, mounted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/alisqi"
    server.shutdown()


@pytest.fixture(scope="module")
def demo(base_url: str) -> dict[str, Any]:
    credentials = requests.get(f"{base_url}/__admin/credentials", timeout=30).json()
    return next(c for c in credentials["credentials"] if c["tokenName"] == "demo-lims")


def test_the_hub_links_every_set(base_url: str, browser_dom: Dom) -> None:
    dom = browser_dom(f"{base_url}/integration-hub/")
    assert "<title>Integration hub - AlisQI Integration hub</title>" in dom
    assert '<a href="sets/1">Extrusion line QC</a>' in dom
    assert '<a href="sets/101">Products</a> (selection list)' in dom


def test_a_set_page_documents_its_fields_and_calls(base_url: str, browser_dom: Dom) -> None:
    dom = browser_dom(f"{base_url}/integration-hub/sets/2")
    assert "API documentation: Incoming goods inspection" in dom
    assert "<td>moisture_</td><td>Moisture</td><td>number</td><td>no</td>" in dom
    assert "<td>supplier_</td><td>Supplier</td><td>selection</td><td>yes</td>" in dom
    assert f"{base_url}/api/getResults?setId=2&amp;limit=10" in dom
    assert "storeResults" in dom and "lotnumber_" in dom


def test_the_api_log_shows_recent_calls(base_url: str, demo: dict[str, Any],
                                        browser_dom: Dom) -> None:
    headers = {"Authorization": f"Bearer {demo['token']}"}
    requests.get(f"{base_url}/api/getResults?setId=2&limit=1", headers=headers, timeout=30)
    requests.get(f"{base_url}/api/getResults?setId=999", headers=headers, timeout=30)
    dom = browser_dom(f"{base_url}/integration-hub/log")
    assert "<td>demo-lims</td><td>getResults</td><td>200</td>" in dom
    assert "<td>demo-lims</td><td>getResults</td><td>400</td>" in dom
    assert " ms</td>" in dom


def test_the_token_list_is_masked(base_url: str, demo: dict[str, Any],
                                  browser_dom: Dom) -> None:
    dom = browser_dom(f"{base_url}/integration-hub/tokens")
    assert demo["token"] not in dom and f"<td>{demo['token'][:6]}...</td>" in dom
    assert "<td>203.0.113.10, 198.51.100.0/24</td>" in dom
