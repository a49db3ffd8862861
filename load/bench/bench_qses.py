"""QS Enrolment's rows of the benchmark (``python -m apidouble.load.bench``): the requests.

As the ``integration.full`` account (a bearer token from ``POST /crms/api/token``),
``GET /crms/api/contacts?limit=50`` at offsets 0, 50, ... 550, with and without
``returnTotal=true``, and filtered by ``countryOfCitizenship`` (every page full, or
the filter's last one), so no response cache sees the same key twice in a row.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

from apidouble.load.bench._procs import get_json

ACCOUNT = "integration.full"
PAGE = 50
COUNTRIES = ("CN", "IN", "VN", "BR", "ID", "PH")


def token(base: str) -> str:
    entry = next(c for c in get_json(f"{base}/__admin/credentials")["credentials"]
                 if c["username"] == ACCOUNT)
    form = urllib.parse.urlencode({"grant_type": "password", "username": ACCOUNT,
                                   "password": entry["password"]}).encode()
    with urllib.request.urlopen(f"{base}/crms/api/token", data=form, timeout=10) as reply:  # noqa: S310
        return str(json.load(reply)["access_token"])


def paths() -> list[str]:
    found = [f"/crms/api/contacts?limit={PAGE}&offset={offset}" for offset in range(0, 600, PAGE)]
    found += [f"/crms/api/contacts?limit={PAGE}&offset={offset}&returnTotal=true"
              for offset in range(0, 300, PAGE)]
    found += [f"/crms/api/contacts?countryOfCitizenship={country}&limit={PAGE}"
              for country in COUNTRIES]
    return found
