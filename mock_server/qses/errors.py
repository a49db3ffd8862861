"""ASP.NET Web API 2's error bodies, as the CRMS API (on IIS) answers them.

* ``{"Message": ...}``: unauthorised (QS-06/07), unknown record or route
  (with Web API's ``MessageDetail`` for an unmatched route), wrong method;
* ``{"Message": "The request is invalid.", "ModelState": {key: [messages]}}``:
  validation (the ``model_state`` field of an :class:`ApiError`);
* ``{Message, ExceptionMessage, ExceptionType, StackTrace}``: 415 (QS-03);
* ``{"error", "error_description"}``: the OWIN token endpoint;
* 429: no body at all, the reason phrase naming the throttle (QS-13).
"""

from __future__ import annotations

from flask import Response, request

from ..core import ApiError
from ..core.envelopes import json_response
from .deviations import deviation_on

JSON_UTF8 = "application/json; charset=utf-8"
DENIED = "Authorization has been denied for this request."
INVALID = "The request is invalid."
UNSUPPORTED = "System.Net.Http.UnsupportedMediaTypeException"
STACK = ("   at System.Net.Http.HttpContentExtensions.ReadAsAsync[T](HttpContent content, "
         "Type type, IEnumerable`1 formatters, IFormatterLogger formatterLogger, "
         "CancellationToken cancellationToken)\r\n   at System.Web.Http.ModelBinding."
         "FormatterParameterBinding.ReadContentAsync(HttpRequestMessage request, Type type, "
         "IEnumerable`1 formatters, IFormatterLogger formatterLogger, CancellationToken "
         "cancellationToken)")


def body_response(body: object, status: int | str) -> Response:
    return json_response(body, status, JSON_UTF8)


def denied() -> ApiError:
    return ApiError(401, "unauthorized", DENIED)


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def invalid(model_state: dict[str, list[str]]) -> ApiError:
    return ApiError(400, "invalid_body", INVALID, model_state=model_state)


def unsupported_media_type(dto: str) -> ApiError:
    media = request.mimetype or "application/octet-stream"
    return ApiError(415, "unsupported_media_type",
                    f"The request entity's media type '{media}' is not supported for this "
                    "resource.",
                    ExceptionMessage=f"No MediaTypeFormatter is available to read an object of "
                                     f"type '{dto}' from content with media type '{media}'.",
                    ExceptionType=UNSUPPORTED, StackTrace=STACK)


def throttled(limit: int, period: str, retry_after: int) -> ApiError:
    return ApiError(429, "rate_limited",
                    f"API calls quota exceeded! maximum admitted {limit} per {period}.",
                    headers={"Retry-After": str(retry_after)})


def envelope(error: ApiError) -> Response:
    """Every error the app answers, in Web API 2's shape (see the module docstring)."""
    if error.code == "rate_limited":
        return _throttled(error)
    if error.code == "oauth":
        return body_response({"error": error.fields["error"],
                              "error_description": error.message}, error.status)
    body: dict[str, object] = {"Message": error.message}
    if "model_state" in error.fields:
        body["ModelState"] = error.fields["model_state"]
    elif error.status == 404 and error.code == "not_found" and not error.fields:
        body = _no_route(error)
    elif error.status == 405:
        body = {"Message": f"The requested resource does not support http method "
                           f"'{request.method}'."}
    elif error.status == 500:
        body = {"Message": "An error has occurred."}
    body.update({k: v for k, v in error.fields.items() if k[:1].isupper()})
    return body_response(body, error.status)


def _no_route(error: ApiError) -> dict[str, object]:
    if error.message != "No such resource.":  # raised by a view: an unknown record
        return {"Message": error.message}
    return {"Message": f"No HTTP resource was found that matches the request URI "
                       f"'{request.url}'.",
            "MessageDetail": "No route data was found for this request."}


def _throttled(error: ApiError) -> Response:
    if deviation_on("QS-13"):
        return body_response({"Message": error.message}, 429)
    response = Response(b"", status=f"429 {error.message}")
    response.headers.pop("Content-Type", None)
    return response
