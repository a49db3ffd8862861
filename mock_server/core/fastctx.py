"""Flask's application and request context, read straight from its context variables.

``flask.current_app`` and ``flask.g`` are proxies: every use looks the context
up again (about 1-2 us). The request path asks for them hundreds of times on a
page (each ``current_core()``, each ``deviation_on``), so the hot spots read
Flask's own context variables (``flask.globals._cv_app`` / ``_cv_request``,
Flask >= 2.3) instead; should a Flask version lack them, the proxies serve.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

try:
    from flask.globals import _cv_app, _cv_request
except ImportError:  # pragma: no cover - older or newer Flask: the public proxies
    _cv_app = _cv_request = None  # type: ignore[assignment]


def app_or_none() -> Flask | None:
    """The current app, or None outside an application context."""
    if _cv_app is None:  # pragma: no cover
        from flask import current_app, has_app_context

        return current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]
    context = _cv_app.get(None)
    return None if context is None else context.app


def app() -> Flask:
    """The current app, as ``current_app`` (RuntimeError outside an application context)."""
    found = app_or_none()
    if found is None:
        raise RuntimeError("Working outside of application context.")
    return found


def request_g() -> Any | None:
    """This request's ``flask.g``, or None outside a request context."""
    if _cv_request is None:  # pragma: no cover
        from flask import g, has_request_context

        return g._get_current_object() if has_request_context() else None  # type: ignore[attr-defined]
    if _cv_request.get(None) is None:
        return None
    return _cv_app.get().g
