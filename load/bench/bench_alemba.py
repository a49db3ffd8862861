"""Alemba's rows of the benchmark (``python -m apidouble.load.bench``): the requests.

The plain list ``call?$top=50`` and a search of the same size with a ``$filter``
mixing numbers, text, a date augmenter and ``||``/``&&`` and a ``$select``
through two relations; the target is the search within twice the plain list's time.

Neither repeats a page: the plain list pages through the calls by ``$skip``, and
the search pages through eight filters (two priorities, four letters), as a client
pages through its saved searches. A third set, :func:`first_sight_paths`, sends
more different filters than the mock keeps parsed or prepared, so that every
request pays for parsing its filter and building its statement.
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


def plain_paths() -> list[str]:
    """The plain list, page by page (the demo data's 391 calls fill seven pages of 50)."""
    return [search_path({**PLAIN, "$skip": skip}) for skip in range(0, 350, 50)]


def query_paths() -> list[str]:
    """The search, page by page, for eight filters that each match 300 calls or more."""
    return [
        search_path({**QUERY, "$filter": _filter(priority, f'"{letter}"'), "$skip": skip})
        for priority in (2, 3) for letter in "aeio" for skip in range(0, 300, 50)
    ]


def first_sight_paths() -> list[str]:
    """4,056 searches of different filters, first pages: each half more than the mock
    keeps parsed (512) or prepared (256 shapes), so a thread that sends one half never
    finds a filter it or the other thread sent before."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        search_path({**QUERY, "$filter": _filter(3, f'"{a}{b}"', day)})
        for day in range(1, 7) for a in letters for b in letters
    ]


def _filter(priority: int, needle: str, day: int = 1) -> str:
    return (f"(Priority<={priority}||ShortDescription.Contains({needle}))&&!@IsDeleted"
            f"&&LoggedDate>@DateTime(2000-01-{day:02d}T00:00:00.000Z)")


def search_path(params: dict[str, Any]) -> str:
    """The call search with these options, as a path under the system's mount."""
    return f"{API}/call?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


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
