"""An integrator's own tests against the apidouble mock (docs/pytest-plugin.md).

Run with: pytest --apidouble-serve aliquora docs/examples/test_with_apidouble.py
"""

from __future__ import annotations

import requests


def whoami(base_url: str, key: str) -> requests.Response:
    return requests.get(f"{base_url}/api/v1/whoami",
                        headers={"Authorization": f"Bearer {key}"}, timeout=10)


def test_my_client_identifies_itself(apidouble_server):
    base = apidouble_server.base_url("aliquora")
    key = apidouble_server.credential("aliquora", "apiKey", plan="api")
    answer = whoami(base, key)
    assert answer.status_code == 200 and answer.json()["ok"] is True
    # the journal shows what the client sent (secrets masked)
    assert apidouble_server.count("aliquora", method="GET", path="*/whoami") == 1


def test_my_client_survives_a_bad_gateway(apidouble_server):
    base = apidouble_server.base_url("aliquora")
    key = apidouble_server.credential("aliquora", "apiKey", plan="api")
    apidouble_server.fault("aliquora", path="/api/v1/whoami", status=502, times=1)
    assert whoami(base, key).status_code == 502
    assert whoami(base, key).status_code == 200  # the fault was used up


def test_tokens_expire_when_the_clock_moves(apidouble_server):
    apidouble_server.advance_clock(3600, "aliquora")  # an hour later, for every worker
    base = apidouble_server.base_url("aliquora")
    key = apidouble_server.credential("aliquora", "apiKey", plan="api")
    assert whoami(base, key).status_code == 200  # API keys do not expire
