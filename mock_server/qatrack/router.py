"""Every ``/api/...`` URL: one dispatcher with DRF router patterns, format suffixes,
Django's ``APPEND_SLASH`` redirect and JSON 404s for anything unmatched."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Flask, Response, g, request

from ..core import current_core
from . import extras, negotiate, real311, roots, views_read
from .errors import not_found
from .registry import find

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
SUFFIX = r"(?:/|\.(?P<fmt>[a-z0-9]+)/?)$"
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name) for pattern, name in (
        (r"^$", "root"),
        (r"^get-token/$", "token"),
        (r"^schema/$", "schema"),
        (r"^(?P<app>qa|qc)/composite/$", "composite"),
        (r"^(?P<app>qa|qc)/searcher/(?P<kind>[a-z_]+)/$", "searcher"),
        (r"^(?P<app>[a-z_]+)/$", "app_root"),
        (r"^(?P<app>[a-z_]+)/(?P<name>[a-z_]+)" + SUFFIX, "collection"),
        (r"^(?P<app>[a-z_]+)/(?P<name>[a-z_]+)/(?P<pk>[^/.]+)" + SUFFIX, "item"),
    )
)


@dataclass(frozen=True)
class Route:
    name: str
    params: dict[str, str] = field(default_factory=dict)
    suffix: str | None = None


def match(path: str) -> Route | None:
    for pattern, name in PATTERNS:
        found = pattern.match(path)
        if found is None:
            continue
        params = {k: v for k, v in found.groupdict().items() if k != "fmt" and v is not None}
        if name == "app_root" and params["app"] not in roots.APP_ROOTS:
            continue
        if "name" in params and find(params["app"], params["name"]) is None:
            continue
        return Route(name, params, found.groupdict().get("fmt"))
    return None


VIEWS: dict[str, Callable[..., Response]] = {
    "root": roots.api_root,
    "token": roots.get_token,
    "schema": roots.schema,
    "composite": extras.composite,
    "searcher": extras.searcher,
    "app_root": roots.app_root,
    "collection": views_read.collection,
    "item": views_read.item,
}


def dispatch(path: str = "") -> Response:
    current_core().clock.offset()  # read (and cache) before any view opens a transaction
    route = match(path)
    if route is not None and not request.path.endswith("/") and route.suffix is None:
        route = None  # ``/api`` itself, routed here without its slash
    if route is None:
        if not request.path.endswith("/") and (not path or match(path + "/") is not None):
            return append_slash()
        if real311.mode():
            return real311.not_found_page()
        raise not_found()
    g.qatrack_format = negotiate.choose(route.suffix)
    return VIEWS[route.name](**route.params)


def append_slash() -> Response:
    """Django's ``CommonMiddleware``: 301 to the same URL with a trailing slash."""
    location = quote(f"{request.script_root}{request.path}/", safe="/:@&+$,-_.!~*'()")
    if request.query_string:
        location += "?" + request.query_string.decode("latin-1")
    response = Response(b"", status=301, content_type="text/html; charset=utf-8")
    response.headers["Location"] = location
    return response


def register(app: Flask) -> None:
    for rule, endpoint in (("/api", "qatrack_root_bare"), ("/api/", "qatrack_root"),
                           ("/api/<path:path>", "qatrack_api")):
        app.add_url_rule(rule, endpoint, dispatch, methods=METHODS, strict_slashes=False)
