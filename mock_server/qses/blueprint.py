"""The ``/crms/api`` blueprint, endpoint labels, envelopes and query-parameter binding.

Every view is registered with :func:`route`, which records its *endpoint
label* (``GET contacts/{id}``): the name an account is granted (QS-07) and
a throttle counts by (QS-12).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, request

from .deviations import deviation_on
from .errors import JSON_UTF8, body_response, invalid, not_found

API_PREFIX = "/crms/api"
api = Blueprint("qses_api", __name__, url_prefix=API_PREFIX)
LABEL_ATTRIBUTE = "qses_endpoint"
MAX_INT = 2147483647

View = Callable[..., Response]


def route(method: str, template: str) -> Callable[[View], View]:
    """Register a view at ``template`` (``{id}`` placeholders) and label it ``METHOD template``."""
    path = "/" + template.replace("{id}", "<raw_id>")

    def register(view: View) -> View:
        setattr(view, LABEL_ATTRIBUTE, f"{method} {template}")
        api.add_url_rule(path, view.__name__, view, methods=[method], strict_slashes=False)
        return view

    return register


def cached(view: View) -> View:
    """Serve a collection from the page cache while the data is unchanged.

    A collection shows nothing but the data and the query (grants are checked
    before), so the key is the path and query string (and the QS-08 deviation).
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        from ..core import current_core

        key = ("qses", request.full_path, deviation_on("QS-08"))
        body = current_core().pages.fetch(key, lambda: view(*args, **kwargs).get_data())
        return Response(body, status=200, content_type=JSON_UTF8)

    return wrapper


def endpoint_label() -> str | None:
    """The label of the view this request matched (None for unmatched URLs)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, LABEL_ATTRIBUTE, None)


# ------------------------------------------------------------------ answers


def single(dto: dict[str, Any], status: int = 200) -> Response:
    """``{Data: {...}, Meta: {}}`` (QS-09)."""
    if deviation_on("QS-09"):
        return body_response(dto, status)
    return body_response({"Data": dto, "Meta": {}}, status)


def collection(rows: list[dict[str, Any]], offset: int, limit: int, has_more: bool,
               total: int | None) -> Response:
    """``{Data: [...], Meta: {Offset, Limit, HasMore, TotalCount}}`` (QS-08)."""
    meta = {"Offset": offset, "Limit": limit, "HasMore": has_more, "TotalCount": total}
    return body_response({"Data": rows, "Meta": meta}, 200)


def bare(value: Any, status: int = 200) -> Response:
    """A process's bare answer: the CrmNumber, a new id, a list."""
    return body_response(value, status)


# ------------------------------------------------------------------ query binding


def query_value(name: str) -> str | None:
    """A query parameter, its name matched case-insensitively (as Web API binds them)."""
    wanted = name.lower()
    for key, value in request.args.items(multi=True):
        if key.lower() == wanted:
            return value
    return None


def int_param(name: str, default: int | None, low: int = 0, high: int = MAX_INT) -> int | None:
    raw = query_value(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not text.lstrip("+-").isdigit() or not low <= int(text) <= high:
        raise invalid({name: [f"The value '{raw}' is not valid for {name}."]})
    return int(text)


def bool_param(name: str, default: bool | None) -> bool | None:
    raw = query_value(name)
    if raw is None or raw.strip() == "":
        return default
    value = {"true": True, "false": False}.get(raw.strip().lower())
    if value is None:
        raise invalid({name: [f"The value '{raw}' is not valid for {name}."]})
    return value


def float_param(name: str, default: float) -> float:
    raw = query_value(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:
        raise invalid({name: [f"The value '{raw}' is not valid for {name}."]})
    return value


def paging(default_limit: int, max_limit: int) -> tuple[int, int, bool]:
    """``offset`` (default 0), ``limit`` (clamped to the endpoint's maximum), ``returnTotal``."""
    offset = int_param("offset", 0) or 0
    limit = int_param("limit", default_limit, low=0) or 0
    limit = min(limit, max_limit) if limit else default_limit
    return offset, limit, bool(bool_param("returnTotal", False))


def parse_id(raw_id: str, what: str) -> int:
    """A path id: an Int32, else the unknown-route answer Web API gives."""
    if not raw_id.isascii() or not raw_id.isdigit() or not 0 < int(raw_id) <= MAX_INT:
        raise not_found(f"No {what} was found with id '{raw_id}'.")
    return int(raw_id)
