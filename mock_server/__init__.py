"""Reference mock servers: the shared core plus one sub-package per system."""

from .systems import SYSTEMS, create_app

__all__ = ["SYSTEMS", "create_app"]
