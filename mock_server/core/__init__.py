"""The shared core: storage, clock, secrets, tokens, rate limits, pagination, errors, admin.

It imports no system; each system under ``mock_server/`` builds a
:class:`~.profile.SystemProfile` from these parts. Names are loaded on first
use, so a process that only needs :class:`Config` (the server's master
process) never imports Flask or SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import Core, build_app, current_core
    from .config import Config
    from .errors import ApiError
    from .profile import SystemProfile

_WHERE = {"Core": "app", "build_app": "app", "current_core": "app", "Config": "config",
          "ApiError": "errors", "SystemProfile": "profile"}

__all__ = ["ApiError", "Config", "Core", "SystemProfile", "build_app", "current_core"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
