"""The shared core: storage, clock, secrets, tokens, rate limits, pagination, errors, admin.

It imports no system; each system under ``mock_server/`` builds a
:class:`~.profile.SystemProfile` from these parts.
"""

from .app import Core, build_app, current_core
from .config import Config
from .errors import ApiError
from .profile import SystemProfile

__all__ = ["ApiError", "Config", "Core", "SystemProfile", "build_app", "current_core"]
