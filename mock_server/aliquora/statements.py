"""Statements built once per app, their values passed as bound parameters.

Building a SQLAlchemy statement (coercing every column and comparison) and
computing its cache key costs more per request than running it; a statement
kept and re-executed with new parameter values skips both, and its compiled
form is found in the engine's cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

Statement = TypeVar("Statement")


def prepared(name: str, build: Callable[[], Statement]) -> Statement:
    """The app's statement called ``name``, made by ``build`` the first time it is asked for."""
    cache: dict[str, Any] = current_app.extensions.setdefault("aliquora_statements", {})
    statement = cache.get(name)
    if statement is None:
        statement = cache[name] = build()
    return statement
