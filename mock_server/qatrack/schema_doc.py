"""The document ``/api/schema/`` answers: ``spec/qatrack.yaml`` when it exists, else a
minimal valid OpenAPI document listing the routes this mock serves."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..core.validation import load_spec


@cache
def _shipped() -> dict[str, Any] | None:
    try:
        return load_spec("qatrack")
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return None


def document(keys: list[str]) -> dict[str, Any]:
    shipped = _shipped()
    if shipped is not None:
        return shipped
    return minimal(keys)


def minimal(keys: list[str]) -> dict[str, Any]:
    ok = {"200": {"description": "OK"}}
    paths: dict[str, Any] = {
        "/api/get-token/": {"post": {"operationId": "getToken",
                                     "responses": {"200": {"description": "A token"}}}},
        "/api/": {"get": {"operationId": "apiRoot", "responses": ok}},
    }
    for key in keys:
        app, name = key.split("/")
        segment = "qc" if app == "qa" else app
        operation = f"{app}_{name}"
        paths[f"/api/{segment}/{name}/"] = {"get": {"operationId": f"list_{operation}",
                                                    "responses": ok}}
        paths[f"/api/{segment}/{name}/{{id}}/"] = {"get": {
            "operationId": f"retrieve_{operation}",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": ok}}
    return {"openapi": "3.0.2", "info": {"title": "QATrack+ API (apidouble)", "version": "3.1"},
            "paths": paths}
