"""Alemba's rows of the benchmark (``python -m apidouble.load.bench``): the requests.

The plain list ``call?$top=50`` and a search of the same size with a ``$filter``
mixing numbers, text, a date augmenter and ``||``/``&&`` and a ``$select``
through two relations; the target is the search within twice the plain list's time.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

from apidouble.load.bench._procs import get_json

PAGE = 50
API = "/alemba.api/api/v1"
PLAIN = {"$top": PAGE}
QUERY = {
    "$top": PAGE,
    "$select": "Ref,ShortDescription,Status,LoggedDate,Priority.Name,User.Name",
    "$filter": '(Priority<=3||ShortDescription.Contains("e"))&&!@IsDeleted'
               "&&LoggedDate>@DateTime(2000-01-01T00:00:00.000Z)",
    "$orderby": "Ref desc",
}


def search_url(base: str, params: dict[str, Any]) -> str:
    return f"{base}{API}/call?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def login(base: str) -> tuple[str, str]:
    """The demo analyst's access and refresh tokens."""
    credentials = get_json(f"{base}/__admin/credentials")["credentials"]
    analyst = next(c for c in credentials if c.get("name") == "analyst")
    form = {"grant_type": "password", "client_id": analyst["client_id"],
            "username": analyst["username"], "password": analyst["password"],
            "scope": analyst["scope"]}
    if analyst.get("client_secret"):
        form["client_secret"] = analyst["client_secret"]
    request = urllib.request.Request(f"{base}/alemba.web/oauth/login",
                                     data=urllib.parse.urlencode(form).encode())
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        grant = json.load(response)
    return grant["access_token"], grant["refresh_token"]
