"""Alemba ASM (REST API v1): OAuth with rotating refresh tokens and licensed sessions,
hypermedia metadata, and searches with the ``$filter`` language.

``profile`` is imported lazily so that ``alemba.query`` stays usable on its own.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "profile":
        from .system import profile

        return profile
    raise AttributeError(name)
