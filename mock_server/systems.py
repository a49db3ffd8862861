"""The systems this package implements, by name, and ``create_app``.

This is the one module that knows every system; the core knows none.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from .core.config import Config
    from .core.profile import SystemProfile

#: name -> module that exposes ``profile``; a system appears here when it is implemented
SYSTEMS: dict[str, str] = {
    "aliquora": "apidouble.mock_server.aliquora",
    "qatrack": "apidouble.mock_server.qatrack",
    "alemba": "apidouble.mock_server.alemba",
    "alisqi": "apidouble.mock_server.alisqi",
    "qses": "apidouble.mock_server.qses",
}


def profile(system: str) -> SystemProfile:
    if system not in SYSTEMS:
        known = ", ".join(sorted(SYSTEMS))
        raise KeyError(f"unknown system {system!r}; implemented: {known}")
    return import_module(SYSTEMS[system]).profile


def create_app(system: str, config: Config | None = None) -> Flask:
    """One WSGI app for one system, so its own error envelope holds for every URL."""
    from .core.app import build_app

    return build_app(profile(system), config)
