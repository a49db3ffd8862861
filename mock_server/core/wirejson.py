"""JSON bodies byte for byte as each real server's stack writes them.

A system's profile names its stack's writer (``SystemProfile.wire_json``);
``build_app`` installs it as the app's JSON provider, so a view that returns a
dict and a helper that calls :func:`encoded` write the same bytes.

Every writer is compact (no spaces after ``:`` and ``,``, no trailing newline)
and keeps keys in insertion order. They differ in escapes and in how a float
is spelt:

- ``python``: Django REST Framework (the stdlib's encoder, ``UNICODE_JSON``):
  UTF-8 but U+2028 and U+2029 escaped, ``41.0``, ``1e-05``, ``1e+16``.
- ``dotnet``: ASP.NET Web API 2's Json.NET (``Formatting.None``): UTF-8 but
  U+0085, U+2028 and U+2029 escaped, ``41.0``, ``1E-05``, ``1E+16``.
- ``javascript``: Express's ``res.json`` (``JSON.stringify``): UTF-8, ``41``,
  ``0.00001``, ``10000000000000000``.
- ``php``: ``json_encode`` with no flags: ``\\u00e9``, ``\\/``, ``41``,
  ``1.0e-5``, ``10000000000000000``.

orjson writes the body (several times faster than the stdlib's encoder, which
took 10-30% of a list request). Its floats are the shortest that read back the
same, as in every stack above, so a body whose numbers are all ordinary
(integers, and decimals such as ``0.9237`` or ``7.25``) goes out as orjson
wrote it. A cheap scan of that output finds a number that a stack spells
differently (an integral float, a very small or very large one); only then is
each number token outside strings rewritten in the stack's spelling. The scan
may also fire on text inside a string; the rewrite is exact either way.

Known differences, both in ``dotnet``: .NET Framework's ``R`` format gives 17
digits where the shortest form has 16 (``dotnet`` writes the shortest); and a
value from 1e15 to below 1e16 goes out in digits (Json.NET: ``1E+15``) unless
another number in the body sent it through the rewrite: finding 16-digit
numbers would cost a slow scan of every page.

A body orjson refuses (a string holding a lone surrogate, a key that is not a
string) is written by the stdlib's encoder with non-ASCII escaped, so it still
goes out as valid JSON rather than a 500.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson
from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider

from . import fastctx

Encoder = Callable[[Any], bytes]

#: a JSON string (skipped) or a number token
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?')
_NON_ASCII = re.compile("[^\x00-\x7f]")
#: where orjson's spelling of a number may differ from a stack's: an integral float
#: (``41.0``), a tiny one that orjson writes in digits (``0.00001``), an exponent. Each
#: pattern starts with a literal, so a search skips through a 40 KB page in 5-15 us.
_INTEGRAL = re.compile(rb"\.0[,\]}]")
_TINY = re.compile(rb"0\.0000(?<!\d0\.0000)")  # 0.00001, not 1.00005 nor 00.0000000Z
_HINTS = {
    "python": (_TINY, re.compile(rb"e-\d(?:[,\]}]|\Z)")),  # Python pads: 1e-07
    "dotnet": (_TINY, re.compile(rb"e-\d"), re.compile(rb"e\+\d")),
    "javascript": (_INTEGRAL, re.compile(rb"e\+(?:1[6-9]|20)(?:[,\]}]|\Z)"),
                   re.compile(rb"e-6(?:[,\]}]|\Z)")),  # JavaScript: 0.000001
    "php": (_INTEGRAL, _TINY, re.compile(rb"e-\d"), re.compile(rb"e\+\d")),
}


def _may_differ(data: bytes, stack: str) -> bool:
    return data.endswith(b".0") or any(hint.search(data) for hint in _HINTS[stack])


def _orjson(body: Any) -> bytes:
    try:
        return orjson.dumps(body, default=_tuple_as_list)
    except orjson.JSONEncodeError:
        return json.dumps(body, separators=(",", ":"), default=_tuple_as_list).encode("ascii")


def _tuple_as_list(value: Any) -> Any:
    """Named tuples (database records) as arrays, as the stdlib encoder writes them."""
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _respelt(data: bytes, stack: str, spell: Callable[[float], str]) -> bytes:
    if not _may_differ(data, stack):
        return data

    def token(match: re.Match[bytes]) -> bytes:
        text = match.group()
        if text[0] == 0x22 or not (b"." in text or b"e" in text or b"E" in text):  # '"'
            return text
        return spell(float(text)).encode("ascii")

    return _TOKEN.sub(token, data)


# ------------------------------------------------------------------ number spelling


def _shortest(value: float) -> tuple[str, int]:
    """The shortest significant digits that read back as ``value`` (not 0) and the
    decimal exponent of the first: 0.00125 -> ("125", -3); 41.0 -> ("41", 1)."""
    mantissa, _, exp = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    run = whole + fraction
    digits = run.lstrip("0")
    exponent = int(exp or 0) + len(whole) - 1 - (len(run) - len(digits))
    return digits.rstrip("0") or "0", exponent


def _fixed(digits: str, exponent: int) -> str:
    if exponent >= len(digits) - 1:
        return digits + "0" * (exponent - len(digits) + 1)
    if exponent >= 0:
        return f"{digits[:exponent + 1]}.{digits[exponent + 1:]}"
    return "0." + "0" * (-exponent - 1) + digits


def _scientific(digits: str, exponent: int, e: str, point_zero: bool, width: int) -> str:
    mantissa = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else ".0" if point_zero else "")
    return f"{mantissa}{e}{'-' if exponent < 0 else '+'}{abs(exponent):0{width}d}"


def _sign(value: float, text: str) -> str:
    return "-" + text if value < 0 else text


def javascript_number(value: float) -> str:
    """``Number.prototype.toString``: digits from 1e-6 to below 1e21, no ``.0``."""
    if value == 0:
        return "0"
    digits, exponent = _shortest(value)
    if -7 < exponent < 21:
        return _sign(value, _fixed(digits, exponent))
    return _sign(value, _scientific(digits, exponent, "e", False, 1))


def php_number(value: float) -> str:
    """``json_encode`` with ``serialize_precision = -1``: digits from 1e-4 to below
    1e17, no ``.0``; otherwise ``1.0e-5``."""
    if value == 0:
        return "-0" if str(value)[0] == "-" else "0"
    digits, exponent = _shortest(value)
    if -5 < exponent < 17:
        return _sign(value, _fixed(digits, exponent))
    return _sign(value, _scientific(digits, exponent, "e", True, 1))


def dotnet_number(value: float) -> str:
    """Json.NET on ``double.ToString("R")``: digits from 1e-4 to below 1e15 with ``.0``
    when integral; otherwise ``1E-05``, ``1.5E+15``."""
    if value == 0:
        return "0.0"
    digits, exponent = _shortest(value)
    if -5 < exponent < 15:
        text = _fixed(digits, exponent)
        return _sign(value, text if "." in text else text + ".0")
    return _sign(value, _scientific(digits, exponent, "E", False, 2))


# ------------------------------------------------------------------ the writers


def python(body: Any) -> bytes:
    """Django REST Framework's ``JSONRenderer``: the stdlib's encoder, compact, UTF-8, with
    U+2028 and U+2029 escaped (DRF does, "to output a strict JavaScript subset")."""
    data = _orjson(body)
    if _may_differ(data, "python"):
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False,
                          default=_tuple_as_list)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: escaped, as _orjson's fallback does
            data = json.dumps(body, separators=(",", ":"),
                              default=_tuple_as_list).encode("ascii")
    return _escaped(data, _PYTHON_ESCAPES)


def dotnet(body: Any) -> bytes:
    """ASP.NET Web API 2's Json.NET formatter (``Formatting.None``), which also escapes
    U+0085, U+2028 and U+2029 (``StringEscapeHandling.Default``)."""
    return _escaped(_respelt(_orjson(body), "dotnet", dotnet_number), _DOTNET_ESCAPES)


def javascript(body: Any) -> bytes:
    """Express's ``res.json``: ``JSON.stringify``."""
    return _respelt(_orjson(body), "javascript", javascript_number)


def php(body: Any) -> bytes:
    """PHP's ``json_encode($body)``: ``/`` as ``\\/``, non-ASCII as ``\\uXXXX`` (lower-case
    hex, UTF-16 surrogate pairs beyond the BMP)."""
    data = _respelt(_orjson(body), "php", php_number)
    if b"/" in data:  # '/' and non-ASCII bytes occur only inside strings
        data = data.replace(b"/", b"\\/")
    if not data.isascii():
        data = _NON_ASCII.sub(_u_escape, data.decode("utf-8")).encode("ascii")
    return data


def _escapes(chars: str) -> tuple[tuple[bytes, bytes], ...]:
    """(UTF-8 bytes, ``\\uXXXX`` escape) of each of ``chars``."""
    return tuple((char.encode("utf-8"), f"\\u{ord(char):04x}".encode("ascii"))
                 for char in chars)


#: the line breaks each stack escapes in its strings
_PYTHON_ESCAPES = _escapes("\u2028\u2029")
_DOTNET_ESCAPES = _escapes("\u0085\u2028\u2029")


def _escaped(data: bytes, escapes: tuple[tuple[bytes, bytes], ...]) -> bytes:
    """Each character of ``escapes`` replaced by its escape. An ASCII body is checked in
    about 1 us on 40 KB, and a memchr for each one's lead byte keeps others cheap (the
    two-byte search costs 30 us)."""
    if data.isascii():
        return data
    for encoded, escape in escapes:
        if encoded[:1] in data and encoded in data:
            data = data.replace(encoded, escape)
    return data


def _u_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


class WireJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider writing the system's bytes (views returning dicts, ``jsonify``).

    Reading request bodies stays Flask's (the stdlib's ``json.loads``).
    """

    def __init__(self, app: Flask, encode: Encoder) -> None:
        super().__init__(app)
        self.encode = encode

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return self.encode(obj).decode("utf-8")

    def response(self, *args: Any, **kwargs: Any) -> Response:
        body = self._prepare_response_obj(args, kwargs)
        return Response(self.encode(body), mimetype=self.mimetype)


def encoded(body: Any) -> bytes:
    """``body`` in the current system's JSON bytes (the stdlib's compact form outside an
    app built by ``build_app``, e.g. an envelope rendered on its own in a test)."""
    app = fastctx.app_or_none()
    provider = None if app is None else app.json
    if isinstance(provider, WireJSONProvider):
        return provider.encode(body)
    return python(body)
