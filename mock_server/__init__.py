"""Reference mock servers: the shared core plus one sub-package per system."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .systems import SYSTEMS, create_app

__all__ = ["SYSTEMS", "create_app"]


def __getattr__(name: str) -> Any:
    """Loaded on first use, so importing a light submodule stays light."""
    if name in __all__:
        from . import systems

        return getattr(systems, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
