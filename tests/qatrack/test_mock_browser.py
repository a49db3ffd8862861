"""QATrack+ mock: the browsable API in a real headless Chromium (QT-04).

``browser_dom`` (tests/conftest.py) drives Debian's ``chromium --dump-dom``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = create_app("qatrack", Config(db_url="sqlite:///:memory:"))
    mounted = DispatcherMiddleware(Response("", 404), {"/qatrack": app})
    server = make_server("127.0.0.1", 0, mounted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/qatrack"
    server.shutdown()


def test_api_root_is_a_page_of_links(base_url: str,
                                     browser_dom: Callable[[str], str]) -> None:
    dom = browser_dom(f"{base_url}/api/")
    assert "<title>Api Root" in dom
    assert f'<a href="{base_url}/api/units" rel="nofollow">' in dom
    assert "HTTP 200 OK" in dom


def test_get_token_page_offers_a_post_form(base_url: str,
                                           browser_dom: Callable[[str], str]) -> None:
    dom = browser_dom(f"{base_url}/api/get-token/")
    assert "HTTP 405 Method Not Allowed" in dom
    assert 'data-method="POST"' in dom and 'name="_content"' in dom
