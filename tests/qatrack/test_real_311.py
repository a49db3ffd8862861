"""`apidouble check qatrack` against a stand-in of an unmodified QATrack+ 3.1.1 server.

The stand-in is our mock with ``Config.extra["qatrack_real_311"]`` (``real311.py``:
the schema endpoint's HTML 500 without pyyaml, or its YAML with Python tags with
it, the searcher's 500 without ``q``, Django's HTML 404) behind a middleware that
hides ``/__admin``, so the suite treats it as somebody else's server: read-only
unless ``--allow-writes``, identities given on the command line. Every other
point of reference/qatrack.md's "Seen on a running QATrack+ 3.1.1" is how the
mock answers anyway. Done when no rule fails and no rule passes without a
passed behavioural (not Schemathesis-generated) test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from apidouble.conformance.selfcheck import check_in_subprocess, served
from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

GENERATED_MODULE = "test_schemathesis.py"
NOT_FOUND = b"<h1>Not Found</h1><p>The requested resource was not found on this server.</p>"


class NoAdmin:
    """WSGI middleware: ``/__admin`` does not exist on a real server (Django's HTML 404)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/__admin"):
            start_response("404 Not Found", [("Content-Type", "text/html"),
                                             ("Content-Length", str(len(NOT_FOUND)))])
            return [NOT_FOUND]
        return self.app(environ, start_response)


def standin(tmp_path: Path, flavour: object = True) -> tuple[Any, list[str]]:
    """The stand-in app and the identities a vendor would give on the command line."""
    app = create_app("qatrack", Config(db_url=f"sqlite:///{tmp_path / 'real.sqlite3'}",
                                       extra={"qatrack_real_311": flavour}))
    client = app.test_client()
    users = client.get("/__admin/credentials").get_json()["credentials"]
    performer = next(u for u in users if u["role"] == "performer")
    reader = next(u for u in users if u["role"] == "read_only")
    fixtures = client.get("/__admin/fixtures").get_json()["unit_test_collections"]
    paths = {f["kind"]: f["path"] for f in fixtures}
    return NoAdmin(app), [
        "--username", performer["username"], "--password", performer["password"],
        "--identity", f"readonly_token={reader['token']}",
        "--identity", f"unit_test_collection={paths['test_list']}",
        "--identity", f"cycle_unit_test_collection={paths['cycle']}",
    ]


def unearned_passes(report_dir: Path) -> list[str]:
    """Rules reported passed without one passed behavioural test."""
    rules = json.loads((report_dir / "report.json").read_text())["rules"]
    return [rule["rule"] for rule in rules if rule["verdict"] == "passed" and not any(
        test["outcome"] == "passed" and GENERATED_MODULE not in test["test"]
        for test in rule["tests"])]


def plugin_counts_generated() -> bool:
    """Whether the plugin already keeps generated-only rules from passing (contract
    "Conformance markers"; the verdicts helper's change)."""
    from apidouble.conformance import plugin, report

    return any("generated" in Path(module.__file__ or "").read_text()
               for module in (plugin, report))


#: generated tests kept in the read-only run (the undocumented searcher's 500 is a note);
#: the others add minutes and nothing this test is about
SOME_GENERATED = "not test_schemathesis or searcher or units or testlistinstances"


@pytest.mark.parametrize("writes", [False, True], ids=["read-only", "allow-writes"])
def test_the_suite_passes_on_a_real_311(tmp_path: Path, writes: bool) -> None:
    app, identities = standin(tmp_path)
    extra = [*identities, "-n", "2"] + (
        ["--allow-writes", "-m", "not generated"] if writes else ["-k", SOME_GENERATED])
    with served(app) as base_url:
        run = check_in_subprocess("qatrack", base_url, tmp_path / "report", *extra)
    assert not run.failed(), (run.failed(), run.output)
    unearned = unearned_passes(tmp_path / "report")
    if unearned and not plugin_counts_generated():
        pytest.xfail(f"{unearned} pass on generated tests alone until the plugin knows "
                     "@pytest.mark.generated (verdicts helper)")
    assert not unearned, (run.verdicts, run.output)
    if not writes:  # performing needs --allow-writes on somebody else's server
        assert run.verdicts["QT-10"] == "not checkable", run.verdicts
    else:
        assert run.verdicts["QT-14"] == "passed" and run.verdicts["QT-17"] == "passed", (
            run.verdicts, run.output)
    assert run.verdicts["QT-05"] == "not checkable", run.verdicts  # the schema's 500


def test_the_schema_with_pyyaml_passes(tmp_path: Path) -> None:
    """With pyyaml the schema is YAML with Python tags, and anonymous callers see more."""
    app, identities = standin(tmp_path, "pyyaml")
    with served(app) as base_url:
        run = check_in_subprocess("qatrack", base_url, tmp_path / "report", *identities,
                                  "-k", "test_browsable and QT_05")
    assert run.verdicts["QT-05"] == "passed", (run.verdicts, run.output)
