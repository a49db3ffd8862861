"""The docs page and the served OpenAPI documents, over real HTTP and in headless chromium."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml
from headless import available, browser

from apidouble.conformance.selfcheck import mock_base_url
from apidouble.mock_server.systems import SYSTEMS


@pytest.fixture(scope="module")
def aliquora_url() -> Iterator[str]:
    with mock_base_url("aliquora") as base_url:
        yield base_url


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_openapi_documents_point_at_this_mock(system: str) -> None:
    with mock_base_url(system) as base_url:
        as_json = requests.get(f"{base_url}/__admin/openapi.json", timeout=30)
        as_yaml = requests.get(f"{base_url}/__admin/openapi.yaml", timeout=30)
        page = requests.get(f"{base_url}/__admin/docs", timeout=30)
    assert as_json.status_code == 200 and as_yaml.status_code == 200
    document = as_json.json()
    assert document["openapi"].startswith("3.1")
    assert document["servers"][0]["url"].startswith(base_url)
    assert json.loads(json.dumps(yaml.safe_load(as_yaml.text))) == document
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()


def test_docs_assets_come_from_the_package(aliquora_url: str) -> None:
    script = requests.get(f"{aliquora_url}/__admin/docs/assets/swagger-ui-bundle.js", timeout=30)
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    for name in ("index.css", "..%2Fcredentials", "%2e%2e/%2e%2e/credentials"):
        other = requests.get(f"{aliquora_url}/__admin/docs/assets/{name}", timeout=30)
        assert other.status_code == 404, name


@pytest.mark.skipif(not available(), reason="chromium and chromedriver are not installed")
def test_try_it_out_reaches_the_mock_with_demo_credentials(aliquora_url: str,
                                                           tmp_path: Path) -> None:
    artifacts = Path(os.environ.get("APIDOUBLE_TEST_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    with browser(tmp_path / "profile") as page:
        page.open(f"{aliquora_url}/__admin/docs")
        page.wait_for("return document.body.dataset.ready === 'yes'")
        page.wait_for("return document.querySelector('#operations-Identity-getWhoami')")
        page.run("document.querySelector('#operations-Identity-getWhoami "
                 ".opblock-summary-control').click()")
        # tryItOutEnabled: the operation opens ready to execute, no "Try it out" click
        page.wait_for("return document.querySelector('#operations-Identity-getWhoami "
                      ".execute')")
        page.run("document.querySelector('#operations-Identity-getWhoami .execute').click()")
        status = page.wait_for(
            "const cell = document.querySelector('#operations-Identity-getWhoami "
            ".live-responses-table tbody .response-col_status');"
            "return cell && cell.textContent.trim()")
        body = page.run("return document.querySelector('#operations-Identity-getWhoami "
                        ".live-responses-table .response-col_description pre').textContent")
        page.run("document.querySelector('#operations-Identity-getWhoami').scrollIntoView()")
        page.screenshot(artifacts / "docs-try-it-out.png")
    assert status.startswith("200"), f"try it out answered {status}: {body[:300]}"
    assert '"organizationId"' in body
