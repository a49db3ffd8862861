"""Request bodies as DRF's default parsers read them: JSON, form and multipart."""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.datastructures import MultiDict

from ..core import ApiError
from ..core.bodies import parse_json

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def parse() -> tuple[Any, MultiDict[str, Any] | None]:
    """``(data, form)``: the parsed body, and the raw multi-valued form when it was one.

    An empty body is ``{}``; an unknown content type 415 and bad JSON 400, with
    DRF's messages. The browsable API's form (``_content_type``/``_content``)
    is read as the raw content it carries.
    """
    mimetype = request.mimetype or ""
    raw = request.get_data(cache=True)
    if mimetype in FORM_TYPES:
        form = MultiDict(request.form)
        form.update(request.files)
        if "_content" in form:
            return _json(str(form["_content"]).encode()), None
        return {key: form.getlist(key)[-1] for key in form}, form
    if not raw:
        return {}, None
    if mimetype == "application/json" or mimetype.endswith("+json"):
        return _json(raw), None
    raise ApiError(415, "unsupported_media_type",
                   f'Unsupported media type "{request.content_type}" in request.')


def _json(raw: bytes) -> Any:
    try:
        return parse_json(raw.decode(request.mimetype_params.get("charset", "utf-8")))
    except (UnicodeDecodeError, LookupError, ValueError) as exc:
        raise ApiError(400, "invalid_body", f"JSON parse error - {exc}") from None
