"""Reading credentials off a request: the part of every auth style that is the same."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request


@dataclass(frozen=True)
class Authorization:
    scheme: str  # as sent, e.g. "Bearer"
    credentials: str  # everything after the scheme and one space


def authorization_header() -> Authorization | None:
    """``Authorization: <scheme> <credentials>``; None when absent or empty."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _, credentials = header.partition(" ")
    return Authorization(scheme, credentials.strip())


def bearer_token() -> str | None:
    """The token of ``Authorization: Bearer <token>`` (scheme case-insensitive), else None."""
    authorization = authorization_header()
    if authorization is None or authorization.scheme.lower() != "bearer":
        return None
    token = authorization.credentials
    if not token or " " in token:
        return None
    return token
