"""Benchmark: the QATrack+ mock, a filtered test-instance query and performing a test list.

    python -m apidouble.load.bench.bench_qatrack [--server gunicorn|granian|both]
        [--workers 1] [--duration 8] [--warmup 3] [--rounds 1] [--json FILE]

Serves ``apidouble serve qatrack --root --no-rate-limits --db sqlite:///<tmp>``
on 127.0.0.1 and measures with ``wrk`` (16 connections, 2 threads; a warm-up,
then ``--duration`` seconds measured), as the demo performer (``Authorization:
Token <key>`` from ``/__admin/credentials``):

* **query**: ``GET /api/qa/testinstances/?unit_test_info__unit__number=<n>
  &ordering=-work_completed&limit=50``, the guide's "test instance data for a
  unit" filter across two relations, for the first clinical unit (by number)
  with at least 50 test instances, so every page is full;
* **perform**: ``POST /api/qa/testlistinstances/`` from a ``wrk`` Lua script, the
  JSON body of the conformance collection reserved in ``/__admin/fixtures``: a
  value within tolerance for every test that is not calculated (the reference,
  nudged half-way towards the upper tolerance limit; the passing choice; the
  constant), a small text file for uploads, no ``user_key``, so every request
  performs the list once more (201). One POST is checked (201, no test out of
  tolerance) before wrk starts.

All query runs come before the perform runs (performing grows the test
instance table the query filters); with ``--rounds N`` each scenario is
measured N times and its median run reported. The server runs in its own
process group and is killed with it at exit.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apidouble.load.bench._procs import LOOPBACK, free_port, get_json, install_cleanup, server
from apidouble.load.bench._wrk import WrkResult, add_wrk_arguments, median_run, wrk

PAGE = 50
QUERY_PATH = ("/api/qa/testinstances/?unit_test_info__unit__number={number}"
              f"&ordering=-work_completed&limit={PAGE}")
PERFORM_PATH = "/api/qa/testlistinstances/"
CALCULATED = {"composite", "scomposite"}
UPLOAD_TEXT = "apidouble bench: 42\n"
SCENARIOS = ("query", "perform")


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


def query_target(client: Client, reserved_number: int) -> tuple[int, int]:
    """The first unit (by number, not the reserved one) whose filtered page is full."""
    units = client.get("/api/units/units/?ordering=number&limit=100")["results"]
    for unit in units:
        if unit["number"] == reserved_number:
            continue
        page = client.get(QUERY_PATH.format(number=unit["number"]))
        if len(page["results"]) == PAGE:
            return int(unit["number"]), int(page["count"])
    raise RuntimeError(f"no unit has {PAGE} test instances: is the fixture data complete?")


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


def _checked(name: str, result: WrkResult) -> WrkResult:
    if result.non_2xx or result.socket_errors:
        raise RuntimeError(f"{name}: {result.non_2xx} non-2xx answers, "
                           f"{result.socket_errors} socket errors")
    return result


def measure_server(args: argparse.Namespace, directory: Path, server_name: str) -> dict[str, Any]:
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(directory), "XDG_DATA_HOME": str(directory)}
    command = [sys.executable, "-m", "apidouble", "serve", "qatrack", "--root",
               "--no-rate-limits", "--host", LOOPBACK, "--port", str(port),
               "--db", f"sqlite:///{directory / f'qatrack-{server_name}.sqlite3'}",
               "--server", server_name, "--workers", str(args.workers)]
    options: dict[str, Any] = {"connections": args.connections, "threads": args.threads}
    runs: dict[str, list[WrkResult]] = {name: [] for name in SCENARIOS}
    with server(command, f"{base}/__admin/credentials",
                directory / f"qatrack-{server_name}.log", env):
        token = performer_token(base)
        client = Client(base, token)
        fixtures = client.get("/__admin/fixtures")
        number, count = query_target(client, int(fixtures["conformance_unit"]["number"]))
        query_url = base + QUERY_PATH.format(number=number)
        body = perform_body(client, fixtures)
        verdicts = check_perform(client, body)
        script = write_script(directory, token, body)
        headers = {"Authorization": f"Token {token}"}
        for turn in range(args.rounds):
            if turn == 0 and args.warmup:
                wrk(query_url, args.warmup, headers=headers, **options)
            runs["query"].append(_checked("query", wrk(
                query_url, args.duration, headers=headers, **options)))
        for turn in range(args.rounds):
            if turn == 0 and args.warmup:
                wrk(base + PERFORM_PATH, args.warmup, script=str(script), **options)
            runs["perform"].append(_checked("perform", wrk(
                base + PERFORM_PATH, args.duration, script=str(script), **options)))
        performed = client.get(f"/api/qa/testlistinstances/?unit_test_collection__unit__number="
                               f"{fixtures['conformance_unit']['number']}&limit=1")["count"]
    return {
        **{name: median_run(results).as_json() for name, results in runs.items()},
        "rounds": {name: [run.as_json() for run in results] for name, results in runs.items()},
        "query_unit_number": number, "query_matches": count,
        "query_path": QUERY_PATH.format(number=number),
        "perform_tests": sorted(body["tests"]), "perform_check": verdicts,
        "instances_performed_on_reserved_unit": performed,
    }


def measure(args: argparse.Namespace, directory: Path) -> dict[str, Any]:
    """Every server asked for, one after another: ``{server: figures}``."""
    servers = ("gunicorn", "granian") if args.server == "both" else (args.server,)
    return {name: measure_server(args, directory, name) for name in servers}


def render(results: dict[str, Any], args: argparse.Namespace) -> str:
    first = next(iter(results.values()))
    lines = [
        f"wrk: {args.connections} connections, {args.threads} threads, {args.warmup}s warm-up, "
        f"{args.duration}s measured, median of {args.rounds} round(s); {args.workers} "
        f"worker(s); as the performer (Token auth)",
        f"query:   GET {first['query_path']} ({first['query_matches']} matches)",
        f"perform: POST {PERFORM_PATH} ({len(first['perform_tests'])} tests given: "
        f"{', '.join(first['perform_tests'])})",
        "",
        f"{'server':<9} {'scenario':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}",
    ]
    for name, result in results.items():
        for scenario in SCENARIOS:
            run = result[scenario]
            lines.append(f"{name:<9} {scenario:<8} {run['requests_per_s']:>9.0f} "
                         f"{run['p50_ms']:>8.2f} {run['p99_ms']:>8.2f} {run['requests']:>9}")
    lines.append("")
    lines += [f"{name}: {result['instances_performed_on_reserved_unit']} test list instances "
              "on the reserved unit afterwards" for name, result in results.items()]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_wrk_arguments(parser, servers=("gunicorn", "granian", "both"), default_server="both",
                      duration=8)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    install_cleanup()
    with tempfile.TemporaryDirectory(prefix="apidouble-bench-") as directory:
        results = measure(args, Path(directory))
    print(render(results, args))
    if args.json:
        payload = {"config": vars(args), "servers": results}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
