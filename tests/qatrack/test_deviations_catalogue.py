"""QATrack+'s deviation catalogue: one per wire-checked rule, each with a call site.

tests/tool/test_deviations.py (helper "standin") switches each one on through
``/__admin/deviations`` and proves ``apidouble check`` fails its rule; until that
lands, this checks the catalogue's shape and, for two rules, the breakage itself.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest

from apidouble.conformance.qatrack import RULES
from apidouble.mock_server.core import Config
from apidouble.mock_server.qatrack import deviations
from apidouble.mock_server.systems import create_app

PACKAGE = resources.files("apidouble.mock_server.qatrack")


def call_sites() -> set[str]:
    found: set[str] = set()
    for entry in PACKAGE.iterdir():
        if entry.name.endswith(".py") and entry.name != "deviations.py":
            found |= set(re.findall(r'deviation_on\("(QT-\d\d)"', entry.read_text("utf-8")))
    return found


def test_one_deviation_per_rule_and_a_call_site_each() -> None:
    rules = [d.rule for d in deviations.DEVIATIONS]
    assert sorted(rules) == sorted(RULES) and len(set(rules)) == len(rules)
    assert call_sites() == set(RULES)


@pytest.fixture()
def client() -> Any:
    app = create_app("qatrack", Config(db_url="sqlite:///:memory:"))
    return app.test_client()


def _switch_on(monkeypatch: pytest.MonkeyPatch, rule: str, module: str) -> None:
    target = f"apidouble.mock_server.qatrack.{module}.deviation_on"
    monkeypatch.setattr(target, lambda r, variant=None: r == rule)


def test_qt02_breaks_the_invalid_token_message(client: Any, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    headers = {"Authorization": "Token " + "0" * 40}
    assert client.get("/api/units/units/", headers=headers).get_json() == {
        "detail": "Invalid token."}
    _switch_on(monkeypatch, "QT-02", "access")
    assert client.get("/api/units/units/", headers=headers).get_json() == {
        "detail": "Token is not valid."}


def test_qt09_ignores_filters(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    users = client.get("/__admin/credentials").get_json()["credentials"]
    headers = {"Authorization": f"Token {users[0]['token']}"}
    total = client.get("/api/units/units/", headers=headers).get_json()["count"]
    assert client.get("/api/units/units/?number=1", headers=headers).get_json()["count"] < total
    _switch_on(monkeypatch, "QT-09", "filters")
    assert client.get("/api/units/units/?number=1", headers=headers).get_json()["count"] == total
