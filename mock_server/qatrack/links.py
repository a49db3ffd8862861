"""Hyperlinks as the real server builds and reads them.

Links are absolute, from the request's host and script root (so they work
under the ``/qatrack`` mount and at the root); qa resources link at
``/api/qc/``. Reading a link follows DRF's ``HyperlinkedRelatedField``: the
host is ignored, the script prefix stripped, and the path must resolve to the
expected resource's detail route.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

from flask import request

from .registry import RESOURCES, find

DETAIL = re.compile(r"^/api/([^/]+)/([^/]+)/([^/.]+)(?:/|\.[a-z0-9]+/?)$")
LIST = re.compile(r"^/api/([^/]+)/([^/.]+)(?:/|\.[a-z0-9]+/?)$")
OTHER_ROUTES = re.compile(r"^/api/(?:|get-token/|schema/|[a-z]+/)$")

NO_MATCH = "Invalid hyperlink - No URL match."
INCORRECT_MATCH = "Invalid hyperlink - Incorrect URL match."
DOES_NOT_EXIST = "Invalid hyperlink - Object does not exist."


class HyperlinkError(ValueError):
    pass


def base() -> str:
    """``http://host[:port][/script root]`` of this request."""
    return request.root_url.rstrip("/")


def path_for(key: str, pk: int | None = None) -> str:
    resource = RESOURCES[key]
    tail = f"{pk}/" if pk is not None else ""
    return f"/api/{resource.link_app}/{resource.name}/{tail}"


def link(key: str, pk: int | None) -> str | None:
    return None if pk is None else base() + path_for(key, pk)


def relative(key: str, pk: int | None) -> str | None:
    """``/api/qc/testinstances/1/`` (with the script root), as inside a performed instance."""
    return None if pk is None else request.script_root + path_for(key, pk)


def list_link(key: str) -> str:
    return base() + path_for(key)


def resolve(value: object, expected: str) -> str:
    """The primary key text in a link to ``expected``; raises HyperlinkError with DRF's words."""
    if not isinstance(value, str):
        raise HyperlinkError(
            f"Incorrect type. Expected URL string, received {type(value).__name__}.")
    path = urlparse(value).path if value.startswith(("http:", "https:")) else value
    prefix = request.script_root + "/"
    if path.startswith(prefix):
        path = "/" + path[len(prefix):]
    path = unquote(path)
    detail = DETAIL.match(path)
    if detail and find(detail.group(1), detail.group(2)) is not None:
        if find(detail.group(1), detail.group(2)) is not RESOURCES[expected]:
            raise HyperlinkError(INCORRECT_MATCH)
        return detail.group(3)
    listed = LIST.match(path)
    if (listed and find(listed.group(1), listed.group(2))) or OTHER_ROUTES.match(path):
        raise HyperlinkError(INCORRECT_MATCH)
    raise HyperlinkError(NO_MATCH)


def resolve_pk(value: object, expected: str) -> int:
    """Like :func:`resolve`, the key as an integer (a non-number cannot exist)."""
    text = resolve(value, expected)
    try:
        value = int(text)
    except ValueError:
        raise HyperlinkError(DOES_NOT_EXIST) from None
    if not 0 < value < 2**63:
        raise HyperlinkError(DOES_NOT_EXIST)
    return value
