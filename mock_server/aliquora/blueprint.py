"""The ``/api/v1`` blueprint every Aliquora view module registers on, and its helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, request
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import BaseConverter

from ..core import ApiError, current_core
from ..core.bodies import json_body
from ..core.deviations import deviation_on
from ..core.envelopes import json_response
from ..core.validation import BodyValidator, load_spec
from ..core.wirejson import encoded
from .access import authenticate, caller

api = Blueprint("aliquora_api", __name__, url_prefix="/api/v1")


class IdConverter(BaseConverter):
    """A record's id segment: anything but a collection's own verbs.

    ``/samples/receive`` and ``/sample-tests/bulk-results`` are not ids, so their
    ``OPTIONS`` and ``405`` advertise only their own methods in ``Allow``.
    """

    regex = r"(?!receive$|bulk-results$)[^/]+"


@api.record_once
def _register_id_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters.setdefault("id", IdConverter)


@api.before_request
def _authenticate() -> None:
    authenticate()


def make_validator() -> BodyValidator:
    return BodyValidator(load_spec("aliquora"))


def validated(schema_name: str, *, lowercase: str | None = None) -> dict[str, Any]:
    """The JSON object body, checked against ``components/schemas/<schema_name>``.

    ``lowercase`` names a string field folded to lower case first (a deviation's leniency).
    """
    try:
        body = json_body()
        if not isinstance(body, dict):  # a literal ``null`` too: it is no object
            raise ApiError(400, "invalid_body", "The request body must be a JSON object.")
    except ApiError:
        if deviation_on("AQ-29"):
            raise ApiError(500, "internal", "An unexpected error occurred.") from None
        raise
    if lowercase is not None and isinstance(body.get(lowercase), str):
        body[lowercase] = body[lowercase].lower()
    current_app.extensions["aliquora_validator"].validate(schema_name, body)
    return body


def ok(body: Any, status: int = 200) -> Response:
    return json_response(body, status)


def cached_list(view: Callable[..., Any]) -> Callable[..., Response]:
    """Serve a list view from the page cache while the data is unchanged.

    The key is the caller's organisation and the full request path and query:
    a list shows nothing else (and nothing that depends on the clock).
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        key = (caller().organization_id, request.full_path)
        body = current_core().pages.fetch(
            key, lambda: encoded(view(*args, **kwargs)))
        return Response(body, status=200, content_type="application/json")

    return wrapper
