"""The ``/api/v1`` blueprint every Aliquora view module registers on, and its helpers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from flask.wrappers import Response

from ..core.bodies import json_object
from ..core.envelopes import json_response
from ..core.validation import BodyValidator, load_spec
from .access import authenticate

api = Blueprint("aliquora_api", __name__, url_prefix="/api/v1")


@api.before_request
def _authenticate() -> None:
    authenticate()


def make_validator() -> BodyValidator:
    return BodyValidator(load_spec("aliquora"))


def validated(schema_name: str) -> dict[str, Any]:
    """The JSON object body, checked against ``components/schemas/<schema_name>``."""
    body = json_object()
    current_app.extensions["aliquora_validator"].validate(schema_name, body)
    return body


def ok(body: Any, status: int = 200) -> Response:
    return json_response(body, status)
