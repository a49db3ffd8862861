"""Renderer choice as DRF makes it: a format suffix or ``?format=`` first, then ``Accept``.

Renderers are JSON then the browsable API (HTML), tried in that order within
each precedence group of the ``Accept`` header, so JSON wins ties.
"""

from __future__ import annotations

from flask import request

from ..core import ApiError
from .errors import not_found

RENDERERS = (("json", "application", "json"), ("html", "text", "html"))
FORMATS = {"json": "json", "api": "html"}


def choose(suffix: str | None) -> str:
    chosen = suffix or request.args.get("format")
    if chosen:
        if chosen not in FORMATS:
            raise not_found()
        return FORMATS[chosen]
    header = request.headers.get("Accept", "").strip()
    if not header:
        return "json"
    for group in _precedence(header):
        for name, main, sub in RENDERERS:
            if any(m in ("*", main) and s in ("*", sub) for m, s in group):
                return name
    raise ApiError(406, "not_acceptable", "Could not satisfy the request Accept header.")


def _precedence(header: str) -> list[list[tuple[str, str]]]:
    groups: dict[int, list[tuple[str, str]]] = {3: [], 2: [], 1: [], 0: []}
    for token in header.split(","):
        media, _, params = token.strip().partition(";")
        main, _, sub = media.strip().lower().partition("/")
        names = [p.split("=")[0].strip() for p in params.split(";") if p.strip()]
        if main == "*":
            rank = 0
        elif sub == "*":
            rank = 1
        else:
            rank = 2 if not names or names == ["q"] else 3
        groups[rank].append((main, sub))
    return [groups[rank] for rank in (3, 2, 1, 0)]
