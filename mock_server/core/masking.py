"""Masking secrets before the request journal stores them (they are never at rest).

Masked: the ``Authorization`` and ``Proxy-Authorization`` credentials, cookie
values (``Cookie``, ``Set-Cookie``), every header, query, form or JSON field
whose name ends in ``token``, ``secret``, ``password`` or ``apikey`` (any
case, ``_`` or ``-`` between words: ``Login_Token``, ``access_token``,
``authToken``, ``client_secret``, ``x-api-key``, ...), ``rawKey``, the OAuth
``code`` in query strings and forms, and Aliquora-style keys (``lk_...``)
wherever they appear. A system adds names with ``SystemProfile.secret_fields``.

The masks work on text, not parsed documents, so they also hold for a body
cut short by the journal's size limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "****"
#: name endings that mark a secret field (matched case-insensitively, ``_``/``-`` allowed)
SECRET_ENDINGS = ("token", "secret", "password", "passwd", "api_key", "apikey", "raw_key",
                  "rawkey", "credential", "credentials")
#: exact names masked in query strings and form bodies only (too common in JSON)
QUERY_ONLY = ("code", "key")
KEY_PATTERN = re.compile(r"\blk_[A-Za-z0-9_\-]{6,}")
CREDENTIAL_HEADERS = ("authorization", "proxy-authorization")
COOKIE_HEADERS = ("cookie", "set-cookie")


def mask(value: str) -> str:
    """Keep a hint of what the value was (its first four characters), never the value."""
    return value[:4] + MASK if len(value) >= 12 else MASK


def _name_pattern(extra: Iterable[str]) -> str:
    endings = [re.escape(e.lower()).replace("_", "[_-]?") for e in (*SECRET_ENDINGS, *extra)]
    return r"[A-Za-z0-9_\-\.\[\]]*(?:" + "|".join(endings) + ")"


class Masker:
    """The masks for one system (the core's names plus its ``secret_fields``)."""

    REMEMBER_HEADERS = 2048
    REMEMBER_VALUES_UP_TO = 256

    def __init__(self, extra: Iterable[str] = ()) -> None:
        names = _name_pattern(extra)
        json_field = rf'("{names}"\s*:\s*")([^"\\]*(?:\\.[^"\\]*)*)'
        query_names = rf"(?:{names}|{'|'.join(QUERY_ONLY)})"
        query_pair = rf"((?:^|[?&;\s]){query_names}=)([^&;\s\"']*)"
        self._json = SecretPattern(json_field)
        self._pairs = SecretPattern(query_pair)
        self._header = re.compile(rf"^{names}$", re.I)
        # cheap substring tests first: most bodies hold no secret-looking name at all
        self._seen: dict[tuple[str, str], str] = {}
        self._stems = tuple({e.replace("_", "")[:5].lower() for e in (*SECRET_ENDINGS, *extra)}
                            | {"api_", "api-", "raw_", "raw-"})

    def text(self, value: str) -> str:
        """A body, path or query string with every secret masked."""
        if not value:
            return value
        if "lk_" in value:
            value = KEY_PATTERN.sub(lambda m: mask(m.group(0)), value)
        lowered = value.lower()
        named = False
        for stem in self._stems:
            if stem in lowered:
                named = True
                break
        if named:
            value, lowered = self._json.masked(value, lowered)
        if "=" in value and (named or any(name + "=" in lowered for name in QUERY_ONLY)):
            value, lowered = self._pairs.masked(value, lowered)
        return value

    def headers(self, items: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Headers as one object (repeated names joined by ``, ``), secrets masked."""
        out: dict[str, str] = {}
        for name, value in items:
            masked = self.header(name, value)
            out[name] = f"{out[name]}, {masked}" if name in out else masked
        return out

    def header(self, name: str, value: str) -> str:
        """One header's value, masked; short values are remembered (clients send the same
        few headers on every request, and the journal masks them on every request)."""
        if len(value) > self.REMEMBER_VALUES_UP_TO:
            return self._mask_header(name, value)
        key = (name, value)
        masked = self._seen.get(key)
        if masked is None:
            masked = self._mask_header(name, value)
            if len(self._seen) >= self.REMEMBER_HEADERS:
                self._seen.clear()
            self._seen[key] = masked
        return masked

    def _mask_header(self, name: str, value: str) -> str:
        lower = name.lower()
        if lower in CREDENTIAL_HEADERS:
            scheme, _, credential = value.partition(" ")
            return f"{scheme} {mask(credential)}" if credential else mask(value)
        if lower in COOKIE_HEADERS:
            return _mask_cookies(value)
        if self._header.match(name):
            return mask(value)
        return self.text(value)


class SecretPattern:
    """A pattern whose group 1 names a secret and group 2 is its value, matched ignoring case.

    Python's ``re`` runs an alternation of names several times slower with
    ``IGNORECASE`` (some 250 us against 60 us over a 4 KB page that mentions a
    password), so the pattern is matched case-sensitively on the lowered text
    (the names are written in lower case), and the values are cut from the
    original. That needs lowering to keep every position, which it does unless a
    character lowers to two; then the ``IGNORECASE`` form runs on the text itself.
    """

    def __init__(self, pattern: str) -> None:
        self._lowered = re.compile(pattern)
        self._any_case = re.compile(pattern, re.I)

    def masked(self, value: str, lowered: str) -> tuple[str, str]:
        """``value`` with the secrets masked, and its lowered form."""
        if len(lowered) != len(value):
            value = self._any_case.sub(lambda m: m.group(1) + mask(m.group(2)), value)
            return value, value.lower()
        parts: list[str] = []
        last = 0
        for match in self._lowered.finditer(lowered):
            start, end = match.span(2)
            parts += (value[last:start], mask(value[start:end]))
            last = end
        if not parts:
            return value, lowered
        value = "".join(parts) + value[last:]
        return value, value.lower()


def _mask_cookies(value: str) -> str:
    """``a=1; b=2`` -> ``a=****; b=****``; Set-Cookie attributes after the first pair stay."""
    parts = value.split(";")
    masked = []
    for index, part in enumerate(parts):
        name, sep, cookie = part.partition("=")
        is_pair = index == 0 or name.strip().lower() not in (
            "path", "domain", "expires", "max-age", "samesite", "secure", "httponly")
        masked.append(f"{name}={mask(cookie)}" if sep and is_pair else part)
    return ";".join(masked)
