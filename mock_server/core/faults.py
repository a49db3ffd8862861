"""Faults: armed through ``POST <base>/__admin/faults``, applied before the system's views.

A fault matches requests by method and a path glob (matched against the
path below the base URL, ``/api/v1/samples*``) and then delays them, answers
them with a status of its own, or drops the connection without an answer.
Its ``times`` budget is spent in the database (:meth:`.standin.StandInStore.spend`),
so it is exact across workers. Admin paths are never faulted.

An answer without a ``body`` is the system's own error for that status,
rendered by the system's envelope; a 429 is the system's own rate-limit
answer (``SystemProfile.rate_limit_error``), headers and all.
"""

from __future__ import annotations

import contextlib
import errno
import random
import socket
import time
from collections.abc import Iterator
from fnmatch import fnmatchcase
from http import HTTPStatus
from typing import Any

from flask import Flask, g, request
from flask.wrappers import Response

from .adminguard import ADMIN_PREFIX
from .envelopes import json_response
from .errors import CANONICAL_CODES, ApiError
from .request_turns import TURNS
from .standin import FaultRow, StandInStore
from .timefmt import iso_ms

#: the fault's own Retry-After is used when it gives one; else this many seconds
DEFAULT_RETRY_SECONDS = 60


def install_faults(app: Flask, store: StandInStore, profile: Any) -> None:
    """Read the stand-in store once per request and apply the first matching fault."""

    @app.before_request
    def _apply_fault() -> Response | None:
        # Read first, for admin requests too: a later first read inside a view's open
        # transaction would, on a single shared connection (in-memory SQLite), end it.
        faults = store.snapshot().faults
        if request.path.startswith(ADMIN_PREFIX):
            return None
        for fault in faults:
            if _matches(fault.spec) and _fires(store, fault):
                return _apply(fault, profile)
        return None


def _matches(spec: dict[str, Any]) -> bool:
    method = spec.get("method")
    if method and method != request.method:
        return False
    return fnmatchcase(request.path, spec["path"])


def _fires(store: StandInStore, fault: FaultRow) -> bool:
    if random.random() >= fault.spec.get("probability", 1.0):  # noqa: S311  (not security)
        return False
    return fault.remaining is None or store.spend(fault.id)


def _apply(fault: FaultRow, profile: Any) -> Response | None:
    spec = fault.spec
    g.apidouble_fault = fault.id
    delay = spec.get("delayMs", 0) + random.uniform(0, spec.get("jitterMs", 0))  # noqa: S311
    if delay:
        with TURNS.released():
            time.sleep(delay / 1000)
    if spec.get("dropConnection"):
        return dropped()
    status = spec.get("status")
    if status is None:
        return None  # latency only: the view answers
    headers = spec.get("headers") or {}
    if "body" in spec:
        return _own_body(status, spec["body"], headers)
    error = system_error(profile, status, headers)
    raise error


def _own_body(status: int, body: Any, headers: dict[str, str]) -> Response:
    if isinstance(body, str):
        response = Response(body, status=status, content_type="text/plain; charset=utf-8")
    else:
        response = json_response(body, status)
    for name, value in headers.items():
        response.headers[name] = value
    return response


def system_error(profile: Any, status: int, headers: dict[str, str] | None = None) -> ApiError:
    """The error the system itself answers with ``status`` (its rate limit for 429)."""
    headers = dict(headers or {})
    if status == 429 and profile.rate_limit_error is not None:
        retry = headers.get("Retry-After", "")
        error: ApiError = profile.rate_limit_error(
            int(retry) if retry.isdigit() else DEFAULT_RETRY_SECONDS)
    else:
        error = ApiError(status, CANONICAL_CODES.get(status, "error"), _phrase(status))
    error.headers.update(headers)
    return error


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).description or HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}."


def dropped() -> Response:
    """A response that closes the connection without a byte of answer.

    Flask has finished with it; the server, iterating its body, meets a
    connection reset, which werkzeug and gunicorn both treat as a client gone
    away: they send nothing and close. The socket is shut first so a kept-alive
    connection is not reused.
    """
    sock = request.environ.get("werkzeug.socket") or request.environ.get("gunicorn.socket")

    def body() -> Iterator[bytes]:
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise ConnectionResetError(errno.ECONNRESET, "connection dropped by an apidouble fault")
        yield b""  # pragma: no cover  (makes this a generator)

    g.apidouble_dropped = True
    return Response(body(), status=500, direct_passthrough=True)


# --- the admin side: validating a fault ------------------------------------------------

_NUMBERS = {"delayMs": (0, 600_000), "jitterMs": (0, 600_000), "times": (1, 10**9),
            "status": (100, 599)}


def fault_spec(body: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """A POSTed fault, checked: (the spec to store, its ``times`` or None)."""
    path = body.get("path")
    if not isinstance(path, str) or not path.startswith(("/", "*")):
        raise _invalid("'path' must be a glob of the path below the base URL, e.g. "
                       "\"/api/v1/samples*\".")
    spec: dict[str, Any] = {"path": path}
    method = body.get("method")
    if method is not None:
        if not isinstance(method, str) or not method.isalpha():
            raise _invalid("'method' must be an HTTP method such as \"GET\".")
        spec["method"] = method.upper()
    for name, (low, high) in _NUMBERS.items():
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _invalid(f"'{name}' must be an integer from {low} to {high}.")
        spec[name] = value
    _optional_parts(body, spec)
    if not any(key in spec for key in ("status", "delayMs", "jitterMs", "dropConnection")):
        raise _invalid("A fault needs 'status', 'delayMs'/'jitterMs' or 'dropConnection'.")
    return spec, spec.get("times")


def _optional_parts(body: dict[str, Any], spec: dict[str, Any]) -> None:
    probability = body.get("probability")
    if probability is not None:
        if isinstance(probability, bool) or not isinstance(probability, int | float) \
                or not 0 <= probability <= 1:
            raise _invalid("'probability' must be a number from 0 to 1.")
        spec["probability"] = float(probability)
    headers = body.get("headers")
    if headers is not None:
        if not isinstance(headers, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
            raise _invalid("'headers' must be an object of strings.")
        spec["headers"] = headers
    if "body" in body:
        if "status" not in body:
            raise _invalid("'body' needs a 'status'.")
        spec["body"] = body["body"]
    drop = body.get("dropConnection")
    if drop is not None:
        if not isinstance(drop, bool):
            raise _invalid("'dropConnection' must be true or false.")
        if drop:
            spec["dropConnection"] = True


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid_body", message)


def describe_fault(fault: FaultRow) -> dict[str, Any]:
    """A fault as the admin API shows it; ``remaining`` counts down from ``times``."""
    return {"id": fault.id, **fault.spec, "remaining": fault.remaining,
            "createdAt": iso_ms(fault.created_at)}
