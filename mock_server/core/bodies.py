"""Reading request bodies and query parameters safely: bad input is a 400, never a 500.

JSON is parsed with limits no legitimate body comes near (nesting depth,
digits of one number, non-finite numbers), so an extreme but parseable
document is answered with the system's own 400 instead of exhausting the
stack or overflowing a database column later on.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_content_length

from .errors import ApiError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

JSON_TYPES = ("application/json",)
MAX_DEPTH = 64  # arrays/objects inside one another
MAX_NUMBER_CHARS = 40  # one number as written: far beyond any 64-bit integer or double
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonLimitError(ValueError):
    """A well-formed JSON document beyond the limits; ``str()`` says which."""


def parse_json(text: str) -> Any:
    """``json.loads`` with limits; raises ``json.JSONDecodeError`` or :class:`JsonLimitError`."""
    try:
        document = json.loads(text, parse_int=_int, parse_float=_float,
                              parse_constant=_constant)
    except RecursionError:
        raise JsonLimitError(f"The JSON document is nested more than {MAX_DEPTH} deep.") from None
    # The depth can only exceed the limit when there are that many brackets at all.
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(document) > MAX_DEPTH:
        raise JsonLimitError(f"The JSON document is nested more than {MAX_DEPTH} deep.")
    if SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(document):
        raise JsonLimitError("A string holds an unpaired UTF-16 surrogate (\\ud800-\\udfff).")
    return document


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonLimitError(f"A number has more than {MAX_NUMBER_CHARS} digits.")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonLimitError(f"A number has more than {MAX_NUMBER_CHARS} digits.")
    value = float(text)
    if not math.isfinite(value):
        raise JsonLimitError(f"The number {text} is out of range.")
    return value


def _constant(name: str) -> Any:
    raise JsonLimitError(f"{name} is not a JSON value.")


def _depth(document: Any) -> int:
    """Nesting depth, computed without recursion."""
    deepest = 0
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                stack.extend((item, depth + 1) for item in value
                             if isinstance(item, dict | list))
    return deepest


def _has_lone_surrogate(document: Any) -> bool:
    """A string no UTF-8 database or response can hold (JSON escapes allow them)."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def json_body(*, code: str = "invalid_body", allow_empty: bool = False) -> Any:
    """The request's JSON document.

    A content type other than JSON (``application/*+json`` included), an
    undecodable, malformed or extreme document are all answered with 400 ``code``.
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            return None
        raise ApiError(400, code, "A JSON request body is required.")
    mimetype = request.mimetype or ""
    if mimetype not in JSON_TYPES and not mimetype.endswith("+json"):
        raise ApiError(400, code, "Content-Type must be application/json.")
    try:
        return parse_json(raw.decode(request.mimetype_params.get("charset", "utf-8")))
    except (UnicodeDecodeError, LookupError):
        raise ApiError(400, code, "The request body is not valid UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, code, f"Malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None
    except JsonLimitError as exc:
        raise ApiError(400, code, str(exc)) from None


def json_object(*, code: str = "invalid_body", allow_empty: bool = False) -> dict[str, Any]:
    body = json_body(code=code, allow_empty=allow_empty)
    if body is None and not request.get_data(cache=True).strip():
        return {}  # an empty body, where allowed; a literal ``null`` is no object
    if not isinstance(body, dict):
        raise ApiError(400, code, "The request body must be a JSON object.")
    return body


def int_arg(name: str, *, code: str, default: int | None = None) -> int | None:
    """A query parameter that must be an integer, if present."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ApiError(400, code, f"Query parameter '{name}' must be an integer.") from None


def read_body_first(wsgi_app: WSGIApplication, limit: int) -> WSGIApplication:
    """``wsgi_app``, called with the request body already read from the client.

    Before the app runs (and before its turn, ``request_turns``), so a slow
    upload holds up no other request. A body of declared length is read whole
    when within the limit; a longer one is left as it came, and the app refuses
    it with a 413 without reading it. A chunked body (``Transfer-Encoding:
    chunked``, whose end the server marks with ``wsgi.input_terminated``) is
    read one byte past the limit: werkzeug would cut it at
    ``MAX_CONTENT_LENGTH`` without a word, so a view would read its first
    megabytes as the whole body (a JSON one then answered as malformed). A
    longer one is replaced by a body whose reading is the 413 werkzeug raises
    for a declared length, so each system refuses it as it refuses that one;
    the server drops what the client still sends, as with any body an app did
    not read.
    """

    def reading(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        declared = get_content_length(environ)  # None when chunked, as werkzeug reads it
        stream = environ["wsgi.input"]
        if declared is not None:
            if 0 < declared <= limit:
                environ["wsgi.input"] = io.BytesIO(stream.read(declared))
        elif ("chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
              and environ.get("wsgi.input_terminated")):
            body = stream.read(limit + 1)
            environ["wsgi.input"] = io.BytesIO(body) if len(body) <= limit else _BodyTooLong()
        return wsgi_app(environ, start_response)

    reading.__wrapped__ = wsgi_app  # type: ignore[attr-defined]
    return reading


class _BodyTooLong(io.RawIOBase):
    """A request body known to be over the limit: reading it is a 413."""

    def readable(self) -> bool:
        return True

    def readinto(self, _buffer: Any) -> int:
        raise RequestEntityTooLarge()
