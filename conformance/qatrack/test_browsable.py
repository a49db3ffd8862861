"""QT-04 and QT-05: the browsable HTML API and the schema endpoint."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
import requests
import yaml

from apidouble.conformance.qatrack._api import Api
from apidouble.conformance.target import Target

HTML = {"Accept": "text/html,application/xhtml+xml"}
#: endpoints a schema must list, and what the guide names
EXPECTED_PATHS = ["/api/get-token/", "/api/units/units/", "/api/qa/testlists/",
                  "/api/qa/unittestcollections/", "/api/qa/testinstances/",
                  "/api/qa/testlistinstances/"]


@pytest.mark.rule("QT-04")
def test_api_root_is_browsable(api: Api) -> None:
    roots = api.json("/api/", "QT-04")
    page = api.get("/api/", headers=HTML)
    assert page.status_code == 200, f"QT-04: /api/ as HTML answered {page.status_code}"
    assert "text/html" in page.headers.get("Content-Type", ""), (
        f"QT-04: /api/ as HTML is {page.headers.get('Content-Type')!r}")
    text = html.unescape(page.text)
    missing = [url for url in roots.values() if f'href="{url}"' not in text]
    assert not missing, f"QT-04: the HTML root does not link to {missing[:3]}"


@pytest.mark.rule("QT-04")
def test_browsable_list_has_a_post_form(api: Api) -> None:
    page = api.get("/api/qa/testlistinstances/", headers=HTML)
    assert page.status_code == 200, f"QT-04: the HTML list answered {page.status_code}"
    text = page.text.lower()
    assert "<form" in text and ('method="post"' in text or "method='post'" in text), (
        "QT-04: the HTML page of test list instances has no form for POST")


#: endpoints a real server lets anonymous callers use, so its schema shows them to them too
#: (reference: 3.1.1 lists the composite and upload endpoints besides get-token)
ANONYMOUS_OK = ("/api/get-token/", "/composite/", "/upload/")


class _LenientLoader(yaml.SafeLoader):
    """A safe loader that reads Python tags as plain data instead of refusing them.

    QATrack+ 3.1.1's schema YAML holds ``!!python/object/apply:decimal.Decimal``
    tags; nothing is ever constructed from them here.
    """


def _python_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _python_tag)


def _schema(response: requests.Response) -> Any:
    if "json" in response.headers.get("Content-Type", ""):
        return response.json()
    return yaml.load(response.text, Loader=_LenientLoader)  # noqa: S506 (safe subclass)


def _real_server_failure(target: Target, response: requests.Response) -> None:
    if response.status_code >= 500 and not target.is_mock:
        pytest.skip("not checkable: the server's schema generator failed "
                    f"({response.status_code}), as QATrack+ 3.1's does on common installs")


@pytest.mark.rule("QT-05")
def test_schema_lists_every_endpoint(target: Target, api: Api) -> None:
    response = api.get("/api/schema/", headers={"Accept": "*/*"})
    _real_server_failure(target, response)
    assert response.status_code == 200, f"QT-05: /api/schema/ answered {response.status_code}"
    paths = list((_schema(response) or {}).get("paths") or {})
    missing = [p for p in EXPECTED_PATHS if not any(found.endswith(p) for found in paths)]
    assert not missing, f"QT-05: the schema does not list {missing}"
    assert len(paths) >= 40, f"QT-05: the schema lists only {len(paths)} paths"


@pytest.mark.rule("QT-05")
def test_anonymous_schema_lists_only_get_token(target: Target, anon: Api) -> None:
    response = anon.get("/api/schema/", headers={"Accept": "*/*"})
    _real_server_failure(target, response)
    assert response.status_code == 200, (
        f"QT-05: /api/schema/ without a token answered {response.status_code}")
    paths = list((_schema(response) or {}).get("paths") or {})
    assert any(p.endswith("/api/get-token/") for p in paths), (
        f"QT-05: an anonymous caller does not see /api/get-token/: {json.dumps(paths)[:200]}")
    shown = [p for p in paths if not any(p.endswith(ok) for ok in ANONYMOUS_OK)]
    assert shown == [], f"QT-05: an anonymous caller sees {json.dumps(shown)[:200]}"
