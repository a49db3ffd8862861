"""Every spec and its mock agree: ``st run`` of spec/<system>.yaml against the mock finds nothing.

Issue 9, "Spec and mock agree". For each system the mock is served on a free port
with a fresh database and no rate limits, a demo identity from
``GET /__admin/credentials`` signs the requests, and Schemathesis runs all its
checks (``--checks all``: negative data rejected, schema-valid data accepted,
status codes, content types, headers and bodies as documented, no 5xx, 405 with
``Allow``) in all its phases over every operation. The budget is bounded and the
run deterministic, so the five together stay near a minute and a half on two
cores; scheduled runs raise ``--max-examples``.

What is relaxed, each with its reason in ``TARGETS`` (nothing else is left out; the
test prints them all, so a reader of the log sees them):

- ``excluded``: operations not run at all (only Alemba's OAuth endpoints, which live
  on another server than the API's base URL).
- ``refusals``: operations where a schema-valid request may still be refused with a
  documented status, because validity depends on data no schema can state (an id
  or hyperlink that must name an existing record, wrong credentials, an entity's
  own properties). ``positive_data_acceptance`` accepts those statuses there.
- ``lenient``: operations documented to answer 200 to any body (QATrack+'s
  composite calculation); ``negative_data_rejection`` accepts 200 there.

Measure one system by hand: ``python tests/tool/test_spec_agreement.py qses``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from apidouble.conformance.selfcheck import served
from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app

SPECS = Path(__file__).resolve().parents[2] / "spec"
ST = Path(sys.executable).with_name("st")
MAX_EXAMPLES = 1
PHASES = "examples,coverage,fuzzing,stateful"
# An operation answering only 401 would be an empty pass: that warning fails the run.
CONFIG = '[warnings]\nfail-on = ["missing_auth"]\n'
REJECTED = ("400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429",
            "5xx")  # Schemathesis' default; 5xx is still caught by not_a_server_error
ACCEPTED = ("2xx", "3xx", "401", "403", "404", "409", "429")  # Schemathesis' default


def _credentials(base: str) -> list[dict[str, object]]:
    body = requests.get(f"{base}/__admin/credentials", timeout=10).json()
    return list(body["credentials"])


def _aliquora(base: str) -> dict[str, str]:
    key = next(c["apiKey"] for c in _credentials(base)
               if c["role"] == "administrator" and c["plan"] == "api")
    return {"Authorization": f"Bearer {key}"}


def _qatrack(base: str) -> dict[str, str]:
    token = next(c["token"] for c in _credentials(base) if c.get("is_superuser"))
    return {"Authorization": f"Token {token}"}


def _alemba(base: str) -> dict[str, str]:
    entry = next(c for c in _credentials(base) if c["name"] == "analyst")
    form = {key: entry[key] for key in ("client_id", "scope", "username", "password")}
    form["grant_type"] = str(entry["grantType"])
    token = requests.post(f"{base}/alemba.web/oauth/login", data=form,
                          timeout=10).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _alisqi(base: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_credentials(base)[0]['token']}"}


def _qses(base: str) -> dict[str, str]:
    entry = next(c for c in _credentials(base) if c["username"] == "integration.full")
    token = requests.post(f"{base}/crms/api/token", data={
        "grant_type": "password", "username": entry["username"],
        "password": entry["password"]}, timeout=10).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Target:
    login: Callable[[str], dict[str, str]]
    prefix: str = ""  # where the spec's paths start on the mock
    excluded: dict[str, str] = field(default_factory=dict)  # st filter option -> reason
    # operation name -> (further statuses a schema-valid request may get, why)
    refusals: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    # operation name -> why it answers 200 even to schema-violating data
    lenient: dict[str, str] = field(default_factory=dict)
    # Alemba's PUT meets only 403s (locked or read-only records) with one example,
    # which the all-401/403 warning would take for failed authentication
    max_examples: int = MAX_EXAMPLES

    def config(self) -> str:
        """schemathesis.toml: fail on auth warnings; the refusals no schema can foresee."""
        blocks = [CONFIG]
        for name, (statuses, _) in self.refusals.items():
            expected = ", ".join(f'"{status}"' for status in (*ACCEPTED, *statuses))
            key = "include-name-regex" if name.startswith("^") else "include-name"
            blocks.append(f'[[operations]]\n{key} = "{name}"\n'
                          f"checks.positive_data_acceptance.expected-statuses = [{expected}]\n")
        for name in self.lenient:
            expected = ", ".join(f'"{status}"' for status in (*REJECTED, "200"))
            blocks.append(f'[[operations]]\ninclude-name = "{name}"\n'
                          f"checks.negative_data_rejection.expected-statuses = [{expected}]\n")
        return "\n".join(blocks)


REFERENCE = ("an id must name a record of the caller's organisation, which no schema "
             "can say; another is the guide's 400 invalid_reference")
PLANT_LOCATION = ("plantLocation is required only by projects with composite sample "
                  "identifiers (the guide's 400 invalid_body), which depends on the "
                  "project's data, not on the body's shape")
FIELDS = ("fields, filter and sort name the set's own fields, which differ per set: "
          "an unknown field is the guide's 400 'No such field in set'")
COURSES = ("a contact's Courses must name existing courses, which no schema can say: "
           "an unknown CourseId is the guide's 400 ModelState error")
HYPERLINK = ("a related record is sent as its URL, which must name an existing record "
             "on this server: a schema can say only 'a URI'; another is DRF's 400 "
             "'Invalid hyperlink'")
UNKNOWN_SET = ("a set id is any positive integer to the schema; a set that does not "
               "exist is the guide's 400 'No such set'")
PER_ENTITY = ("which entities may be created, updated or deleted, and with which "
              "properties, is told at run time by each entity's metadata "
              "($create?$options, OPTIONS with Allow), not by one static schema: "
              "other properties are 400 FieldValidationException, other methods 405")

TARGETS = {
    "aliquora": Target(_aliquora, refusals={
        "POST /api/v1/projects": (("400",), REFERENCE),
        "POST /api/v1/samples/receive": (("400",), REFERENCE),
        "POST /api/v1/samples": (("400",), PLANT_LOCATION),
        "PATCH /api/v1/samples/{id}": (("400",), PLANT_LOCATION),
        "POST /api/v1/instrument-uploads": (("400",), "the file part is any bytes to the "
                                            "schema; a file that is not UTF-8 text is the "
                                            "guide's 400 invalid_body")}),
    "qatrack": Target(_qatrack, lenient={
        "POST /api/qa/composite/": "the real 3.1.1 view answers 200 success: false to any "
                                   "body or none (reference), which a schema cannot say"},
                      refusals={
        "POST /api/get-token/": (("400",), "a schema-valid but wrong user name or password "
                                 "is DRF's documented 400 (QT-01)"),
        "^(POST|PUT|PATCH) /api/(faults/faults|parts/(parts|part[a-z]*collections|partuseds)"
        "|qa/testlistinstances|servicelog/(?!serviceareas/|servicetypes/|serviceeventstatus/)"
        "[a-z]+)/": (("400",), HYPERLINK)}),
    "alemba": Target(_alemba, "/alemba.api/api/v1", max_examples=2, refusals={
        "GET /{entity}": (("400",), "the $ options name the entity's own properties "
                          "($leftJoin, $filter, $select, $orderby), which differ per entity: "
                          "another entity's property is the guide's 400"),
        "POST /{entity}": (("400", "405"), PER_ENTITY),
        "PUT /{entity}/{id}": (("400", "405"), PER_ENTITY),
        "DELETE /{entity}/{id}": (("405",), PER_ENTITY)}, excluded={
        "--exclude-path-regex=^/oauth/":
            "the OAuth endpoints live on another server (alemba.web), which a "
            "single --url cannot reach; tests/alemba covers them"}),
    "alisqi": Target(_alisqi, refusals={
        "GET /api/getResults": (("400",), FIELDS),
        "GET /api/getStatistics": (("400",), FIELDS),
        "GET /api/getSpecificationEvaluation": (("400",), FIELDS),
        "POST /api/storeResults": (("400",), UNKNOWN_SET),
        "POST /api/storeSpecificationVersion": (("400",), UNKNOWN_SET)}),
    "qses": Target(_qses, refusals={
        **{name: (("400",), COURSES) for name in (
            "POST /crms/api/contacts", "PUT /crms/api/contacts/{id}",
            "POST /crms/api/processes/upsertcontact",
            "POST /crms/api/processes/preprocessupsertcontacts")},
        "POST /crms/api/token": (("400",), "a schema-valid but wrong user name or password "
                                 "is the documented 400 invalid_grant (QS-04)"),
        "POST /crms/api/othercommunications": (("400",), "CrmNumber must name an existing "
                                               "contact, which no schema can say; "
                                               "an unknown one is the guide's 400")}),
}


def run_agreement(system: str, workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    target = TARGETS[system]
    (workdir / "schemathesis.toml").write_text(target.config())
    app = create_app(system, Config(db_url=f"sqlite:///{workdir / 'st.sqlite3'}",
                                    rate_limits=False))
    with served(app) as base:
        headers = [arg for name, value in target.login(base).items()
                   for arg in ("-H", f"{name}: {value}")]
        return subprocess.run(
            [str(ST), "run", str(SPECS / f"{system}.yaml"), "--url", base + target.prefix,
             "--checks", "all", "--phases", PHASES, "--max-examples", str(target.max_examples),
             "--generation-deterministic", "--continue-on-failure", "--no-color",
             "-w", "1", *headers, *target.excluded, *extra],
            capture_output=True, text=True, timeout=300, cwd=workdir, check=False)


@pytest.mark.parametrize("system", sorted(TARGETS))
def test_schemathesis_finds_no_disagreement(system: str, tmp_path: Path) -> None:
    for option, reason in TARGETS[system].excluded.items():
        print(f"{system}: excluded {option}: {reason}")
    for name, reason in TARGETS[system].lenient.items():
        print(f"{system}: {name} may answer 200 to schema-violating data: {reason}")
    for name, (statuses, reason) in TARGETS[system].refusals.items():
        print(f"{system}: {name} may refuse valid data with {statuses}: {reason}")
    run = run_agreement(system, tmp_path)
    assert run.returncode == 0, run.stdout[-8000:]


if __name__ == "__main__":  # by hand: python tests/tool/test_spec_agreement.py qses
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        started = time.monotonic()
        result = run_agreement(sys.argv[1], Path(directory), *sys.argv[2:])
        print(result.stdout, result.stderr)
        print(f"{sys.argv[1]}: exit {result.returncode} in {time.monotonic() - started:.1f}s")
