"""What the request journal keeps of one exchange: taken cheaply, cut short, masked.

Bodies are cut to :data:`BODY_LIMIT` bytes *before* they are decoded or
masked, so a large upload or page costs no more than a small one; a request
body the view never read is read only when it is small; streamed and file
responses are not read at all. The path is the one the client sent, before
any mount prefix was stripped or version normalised (``RAW_URI`` /
``REQUEST_URI`` where the server gives it, else ``SCRIPT_NAME + PATH_INFO``).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Request, g
from flask.wrappers import Response

from .masking import Masker

BODY_LIMIT = 4096  # bytes kept of each request and response body
READ_UNREAD_UP_TO = 64 * 1024  # an unread request body larger than this is not read
TEXT_TYPES = ("application/json", "application/xml", "application/x-www-form-urlencoded",
              "application/problem+json", "application/javascript")


def sent_path(request: Request) -> tuple[str, str]:
    """(path, query) exactly as the client sent them."""
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path, _, query = str(raw).partition("?")
        if "://" in path:  # an absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        return path, query
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return path, environ.get("QUERY_STRING", "")


def entry(request: Request, response: Response, masker: Masker, at: Any) -> dict[str, Any]:
    started = g.get("apidouble_started", time.perf_counter())
    path, query = sent_path(request)
    status = 0 if g.get("apidouble_dropped") else response.status_code
    row = {
        "at": at,
        "method": request.method,
        "path": masker.text(path),
        "query": masker.text(query),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        "remote_addr": request.remote_addr,
        "request_headers": masker.headers(request.headers.items()),
        "request_body": masker.text(_request_body(request)),
        "response_headers": masker.headers(response.headers.items()),
        "response_body": "" if status == 0 else masker.text(_response_body(response)),
    }
    row["size"] = sum(len(str(value)) for value in row.values())
    row["subject"] = g.get("apidouble_log_subject")
    return row


def _request_body(request: Request) -> str:
    length = request.content_length or 0
    if not length:
        return ""
    kind = request.mimetype or ""
    if kind.startswith("multipart/"):
        return f"[{kind} body, {length} bytes, not kept]"
    cached = request.__dict__.get("_cached_data")
    if cached is None and length > READ_UNREAD_UP_TO:
        return f"[{length} bytes, not kept]"
    if cached is None and length > (request.max_content_length or length):
        return f"[{length} bytes, over the body limit, not kept]"  # reading it would raise
    data = cached if cached is not None else request.get_data(cache=True)
    return _text(data[:BODY_LIMIT], len(data), kind)


def _response_body(response: Response) -> str:
    if response.is_streamed or response.direct_passthrough:
        return "[streamed, not kept]"
    chunks = response.response
    single = isinstance(chunks, list) and len(chunks) == 1 and isinstance(chunks[0], bytes)
    data = chunks[0] if single else response.get_data()  # type: ignore[index]
    return _text(data[:BODY_LIMIT], len(data), response.mimetype or "")


def _text(head: bytes, length: int, kind: str) -> str:
    if not head:
        return ""
    if not (kind.startswith("text/") or kind in TEXT_TYPES or kind.endswith(("+json", "+xml"))
            or not kind):
        return f"[{kind} body, {length} bytes, not kept]"
    text = head.decode("utf-8", errors="replace")
    if length > len(head):
        text += f"... [{length - len(head)} more bytes not kept]"
    return text
