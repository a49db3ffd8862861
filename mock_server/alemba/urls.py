"""Real deployments' URL shapes, folded onto the mock's canonical paths (WSGI middleware).

``/<system>/alemba.web/...`` and ``/<system>/alemba.api/...`` with any prefix
(or none), and ``api``, ``api/v1``, ``api/v2`` or ``api/v1.0`` after the API
root, all reach ``/alemba.web/...`` and ``/alemba.api/api/v1/...``. The roots
match case-insensitively, as IIS does. Anything else (``/__admin/`` included)
passes through untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ..core.adminguard import ADMIN_PREFIX

API_ROOT = "/alemba.api/api/v1"
WEB_ROOT = "/alemba.web"
_VERSION = re.compile(r"v[0-9]+(?:\.[0-9]+)?$", re.IGNORECASE)


def canonical_path(path: str) -> str:
    segments = path.split("/")
    lowered = [segment.lower() for segment in segments]
    if "alemba.web" in lowered:
        rest = segments[lowered.index("alemba.web") + 1 :]
        return "/".join([WEB_ROOT, *rest])
    if "alemba.api" not in lowered:
        return path
    rest = segments[lowered.index("alemba.api") + 1 :]
    if rest and rest[0].lower() == "api":
        rest = rest[1:]
        if rest and _VERSION.match(rest[0]):
            rest = rest[1:]
    while rest and rest[-1] == "":
        rest = rest[:-1]
    return "/".join([API_ROOT, *rest])


class AlembaPaths:
    """Rewrites ``PATH_INFO`` before Flask routes the request."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(ADMIN_PREFIX):
            environ["PATH_INFO"] = canonical_path(path)
        return self.app(environ, start_response)
