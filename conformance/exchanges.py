"""The last few HTTP exchanges of a test, as short masked excerpts for the reports.

A ``requests`` response hook on the target's session records every exchange
(method, URL, status, a few headers, bodies cut to 2 KB); the plugin clears
the log before each test and attaches it to a failing test's report entry, so
a vendor sees what was sent and answered without re-running anything.
"""

from __future__ import annotations

import contextlib
import re
from collections import deque
from collections.abc import Iterable
from typing import Any

import requests

KEEP = 4  # exchanges kept per test
BODY_LIMIT = 2048
MASK = "***"
REQUEST_HEADERS = ("Content-Type", "Accept", "Authorization", "X-Api-Key")
RESPONSE_HEADERS = ("Content-Type", "WWW-Authenticate", "Retry-After", "Location", "Allow")
SECRET_HEADER = re.compile(r"authorization|cookie|key|token|secret", re.I)
SECRET_FIELD = re.compile(
    r'("(?:password|secret|client_secret|token|access_token|refresh_token|rawKey|apiKey|'
    r'api_key|key)"\s*:\s*)"[^"]*"', re.I)
SECRET_FORM = re.compile(r"\b((?:password|client_secret|refresh_token|token)=)[^&\s]*", re.I)


class ExchangeLog:
    """Records the exchanges of a ``requests.Session``; ``secrets`` are masked wherever seen."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.recent: deque[dict[str, Any]] = deque(maxlen=KEEP)
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def attach(self, session: requests.Session) -> None:
        session.hooks.setdefault("response", []).append(self.record)

    def clear(self) -> None:
        self.recent.clear()

    def record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        # a recording problem must never break a test
        with contextlib.suppress(Exception):
            self.recent.append(self.excerpt(response))

    def excerpt(self, response: requests.Response) -> dict[str, Any]:
        sent = response.request
        return {
            "method": sent.method or "",
            "url": self.mask(sent.url or ""),
            "requestHeaders": self._headers(sent.headers, REQUEST_HEADERS),
            "requestBody": self.mask(_text(sent.body)),
            "status": response.status_code,
            "responseHeaders": self._headers(response.headers, RESPONSE_HEADERS),
            "responseBody": self.mask(_text(response.content)),
        }

    def _headers(self, headers: Any, names: tuple[str, ...]) -> dict[str, str]:
        found = {name: str(headers[name]) for name in names if name in headers}
        for name, value in found.items():
            if SECRET_HEADER.search(name):
                scheme, _, token = value.partition(" ")
                found[name] = f"{scheme} {MASK}" if token else MASK
        return found

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        text = SECRET_FIELD.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
        return SECRET_FORM.sub(lambda m: m.group(1) + MASK, text)

    def snapshot(self) -> list[dict[str, Any]]:
        return list(self.recent)


def _text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        body = body[:BODY_LIMIT].decode("utf-8", errors="replace")
    text = str(body)
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "…"
