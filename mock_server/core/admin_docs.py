"""The system's OpenAPI document and an interactive docs page, under ``<base>/__admin/``.

``openapi.json`` / ``openapi.yaml`` serve the system's document with ``servers``
pointing at this very mock, so "try it out" in any OpenAPI tool reaches it.
``docs`` is Swagger UI, its assets served from the ``swagger-ui-py`` package (no
CDN: the mock must work offline); where a system says which demo credential
fits which security scheme (``SystemProfile.docs_authorization``), the page is
pre-authorised with it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, Response, current_app, request, send_from_directory

from .adminguard import ADMIN_PREFIX
from .errors import ApiError

VARIABLE = re.compile(r"\{([^{}]+)\}")
#: server variables that stand for "scheme, host, port and mount prefix"
BASE_VARIABLES = ("baseUrl", "origin")


@lru_cache(maxsize=8)
def packaged_document(system: str) -> dict[str, Any]:
    text = resources.files("apidouble.spec").joinpath(f"{system}.yaml").read_text("utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def swagger_ui_assets() -> Path:
    import swagger_ui  # the swagger-ui-py package: Swagger UI 5's dist files

    return Path(swagger_ui.__file__).parent / "static"


def served_at(document: dict[str, Any], base: str) -> dict[str, Any]:
    """A copy of ``document`` whose only server is this mock (variables filled in)."""
    servers = document.get("servers") or [{"url": "{baseUrl}"}]
    first = servers[0]
    variables = first.get("variables", {})

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in BASE_VARIABLES:
            return base
        return str(variables.get(name, {}).get("default", ""))

    url = VARIABLE.sub(fill, first["url"])
    if not any(f"{{{name}}}" in first["url"] for name in BASE_VARIABLES):
        url = base  # a document with a fixed host: serve it here all the same
    return {**document, "servers": [{"url": url, "description": "this mock"}]}


def register_docs(admin: Blueprint) -> None:
    @admin.get("/openapi.json")
    def openapi_json() -> Response:
        return Response(json.dumps(_document(), ensure_ascii=False, indent=1),
                        mimetype="application/json")

    @admin.get("/openapi.yaml")
    def openapi_yaml() -> Response:
        text = yaml.safe_dump(_document(), sort_keys=False, allow_unicode=True)
        return Response(text, content_type="application/yaml; charset=utf-8")

    @admin.get("/docs")
    @admin.get("/docs/")
    def docs_page() -> Response:
        return Response(_page(), mimetype="text/html")

    @admin.get("/docs/assets/<path:name>")
    def docs_asset(name: str) -> Response:
        if name not in {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}:
            raise ApiError(404, "not_found", "No such asset.")
        response = send_from_directory(swagger_ui_assets(), name, max_age=3600)
        return response


def _base_url() -> str:
    return request.host_url.rstrip("/") + request.script_root


def _core() -> Any:
    return current_app.extensions["apidouble"]


def _document() -> dict[str, Any]:
    core = _core()
    make = core.profile.openapi_document
    document = make(core) if make is not None else packaged_document(core.profile.name)
    return served_at(document, _base_url())


def _page() -> str:
    core = _core()
    profile = core.profile
    authorize = profile.docs_authorization(core) if profile.docs_authorization else {}
    credentials = json.dumps(profile.credentials(core), indent=1, ensure_ascii=False)
    assets = f"{request.script_root}{ADMIN_PREFIX}/docs/assets"
    config = {"url": f"{request.script_root}{ADMIN_PREFIX}/openapi.json", "dom_id": "#swagger-ui",
              "deepLinking": True, "persistAuthorization": True, "tryItOutEnabled": True}
    return PAGE.format(
        title=escape(profile.title), assets=assets, config=json.dumps(config),
        authorize=json.dumps(authorize), credentials=escape(credentials),
    )


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}: API docs (apidouble mock)</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon-32x32.png">
<style>body{{margin:0}}details{{margin:8px 20px;font-family:sans-serif}}
pre{{max-height:16em;overflow:auto;background:#f6f6f6;padding:8px}}</style>
</head><body>
<details id="demo-credentials"><summary>Demo credentials of this mock</summary>
<pre>{credentials}</pre></details>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>
const authorize = {authorize};
window.ui = SwaggerUIBundle(Object.assign({config}, {{
  onComplete: () => {{
    for (const [scheme, value] of Object.entries(authorize)) {{
      window.ui.preauthorizeApiKey(scheme, value);
    }}
    document.body.dataset.ready = "yes";
  }}
}}));
</script>
</body></html>
"""
