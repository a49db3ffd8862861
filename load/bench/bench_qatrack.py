"""QATrack+'s rows of the benchmark (``python -m apidouble.load.bench``): the requests.

* **filtered test instances**: ``GET /api/qa/testinstances/?unit_test_info__unit__number=<n>
  &ordering=-work_completed&limit=50``, the guide's "test instance data for a unit"
  filter across two relations;
* **perform**: ``POST /api/qa/testlistinstances/`` from a ``wrk`` Lua script, the JSON
  body of the conformance collection reserved in ``/__admin/fixtures``: a value within
  tolerance for every test that is not calculated (the reference, nudged half-way
  towards the upper tolerance limit; the passing choice; the constant), a small text
  file for uploads, no ``user_key``, so every request performs the list once more
  (201). One POST is checked (201, no test out of tolerance) before wrk starts.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from apidouble.load.bench._procs import get_json

PAGE = 50
QUERY_PATH = ("/api/qa/testinstances/?unit_test_info__unit__number={number}"
              f"&ordering=-work_completed&limit={PAGE}")
PERFORM_PATH = "/api/qa/testlistinstances/"
CALCULATED = {"composite", "scomposite"}
UPLOAD_TEXT = "apidouble bench: 42\n"


# ------------------------------------------------------------ reading the mock


class Client:
    """Authenticated JSON reads of one mock, as the performer."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token
        self.headers = {"Authorization": f"Token {token}"}

    def get(self, path_or_url: str) -> Any:
        url = path_or_url if path_or_url.startswith("http") else self.base + path_or_url
        return get_json(url, self.headers, timeout=10)

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(), method="POST",
            headers={**self.headers, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def performer_token(base: str) -> str:
    credentials = get_json(f"{base}/__admin/credentials")["credentials"]
    for credential in credentials:
        if credential.get("can_perform") and not credential.get("is_superuser"):
            return str(credential["token"])
    raise RuntimeError("no demo user who can perform test lists (see /__admin/credentials)")


def _value(test: dict[str, Any], reference: float | None,
           tolerance: dict[str, Any] | None) -> Any:
    """A value the mock judges OK (or "No Tol Set" where no limits apply)."""
    kind = test["type"]
    if kind == "upload":
        return {"filename": "bench.txt", "value": UPLOAD_TEXT, "encoding": "text"}
    if kind == "constant":
        return {"value": test["constant_value"]}
    if kind == "boolean":
        return {"value": reference is None or reference == 1.0}
    if kind == "multchoice":
        passing = (tolerance or {}).get("mc_pass_choices") or test["choices"]
        return {"value": passing.split(",")[0].strip()}
    if kind == "string":
        return {"value": "ok"}
    if kind == "date":
        return {"value": "2025-10-01"}
    if kind == "datetime":
        return {"value": "2025-10-01 10:00"}
    if reference is None:
        return {"value": 1.0}
    high = (tolerance or {}).get("tol_high") or 0.0
    if (tolerance or {}).get("type") == "percent":
        return {"value": reference * (1 + high / 200)}
    return {"value": reference + high / 2}


def perform_body(client: Client, fixtures: dict[str, Any]) -> dict[str, Any]:
    """The reserved plain test list's collection, with a value for every non-calculated test."""
    collection = next(c for c in fixtures["unit_test_collections"] if c["kind"] == "test_list")
    utc = client.get(collection["path"])
    test_list = client.get(utc["tests_object"])
    unit_id = fixtures["conformance_unit"]["path"].rstrip("/").rsplit("/", 1)[1]
    infos = {info["test"]: info for info in
             client.get(f"/api/qa/unittestinfos/?unit={unit_id}&limit=500")["results"]}
    tests: dict[str, Any] = {}
    for url in test_list["tests"]:
        test = client.get(url)
        if test["type"] in CALCULATED:
            continue
        info = infos.get(url, {})
        reference = client.get(info["reference"])["value"] if info.get("reference") else None
        tolerance = client.get(info["tolerance"]) if info.get("tolerance") else None
        tests[test["slug"]] = _value(test, reference, tolerance)
    return {"unit_test_collection": utc["url"], "work_started": "2025-10-01 10:00",
            "work_completed": "2025-10-01 10:05", "comment": "apidouble bench",
            "tests": tests}


def check_perform(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    """One POST: 201, and every judged test OK (nothing out of tolerance, nothing missing)."""
    status, answer = client.post(PERFORM_PATH, body)
    if status != 201:
        raise RuntimeError(f"POST {PERFORM_PATH} answered {status}, not 201: {answer}")
    verdicts = {slug: test["pass_fail"][0] for slug, test in answer["tests"].items()}
    bad = {slug: code for slug, code in verdicts.items() if code not in ("ok", "no_tol")}
    if bad:
        raise RuntimeError(f"the bench body is not within tolerance: {bad}")
    return verdicts


def write_script(directory: Path, token: str, body: dict[str, Any]) -> Path:
    """wrk's Lua script: the same POST on every request (no user_key, so no collisions)."""
    text = json.dumps(body)
    if "]==]" in text:
        raise ValueError("the body would end the Lua long string")
    script = directory / "perform.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = [==[{text}]==]\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Token {token}"\n', encoding="utf-8")
    return script


# ------------------------------------------------------------ measuring
