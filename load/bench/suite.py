"""The benchmark of issue 12: every system, both servers, 1 and 2 workers, in one table.

    python -m apidouble.load.bench [--servers gunicorn,granian] [--workers 1,2]
        [--duration 5] [--warmup 2] [--rounds 1] [--no-prism] [--json FILE]

One ``apidouble serve`` process serves all five systems (under ``/<system>``,
``--no-rate-limits --no-page-cache``, a fresh SQLite file, each organisation's
monthly sample allowance raised out of reach), for each server and worker count.
Against it, with ``wrk`` (16 connections, 2 threads) on 127.0.0.1:

* **list** (per system): a Lua script sends each request to the next of a list
  of different full pages and filters of the system's main list (Aliquora
  samples, QATrack+ filtered test instances, Alemba call search, QS Enrolment
  contacts: 50 records; AlisQI getResults: 100). Every page is fetched once
  first and its bytes kept; a **bare** Flask app (``bare_app``, same server,
  same workers) then answers every one of those URLs with exactly those bytes.
  The page cache is off and the pages rotate, so every mock request queries
  and serialises. Target: mock >= 40% of the bare app's requests/s.
* **alemba query/plain**: a ``$filter`` + ``$select`` search through relations
  against the plain list of the same 50 calls, both paging through their results
  (``bench_alemba``: no page repeats). Target: time ratio <= 2x. A last row,
  after every other scenario (it floods the mock's caches), sends 4,056
  different filters, more than the mock keeps parsed or prepared, each wrk
  thread its own half: the price of a filter seen for the first time (no target).
* **writes** (2 workers): QATrack+ performing a test list (Token auth, every
  non-calculated test given) >= 300/s; Aliquora creating a sample with three
  tests >= 500/s. After each, the rows added are counted in the database: they
  must lie between the 2xx answers wrk counted and that plus the connections
  (requests in flight when wrk stopped), and every new sample must have exactly
  three tests: nothing lost, nothing duplicated.
* **mixed** (per system): its Locust profile (``load/<system>.py``: reads over
  varied pages and filters, about 10% writes), 16 users, no think time,
  headless. The load generator must not starve the server: Locust runs pinned
  to CPU 0 with ``taskset`` (one core, as a Locust process uses at most one);
  the server may use both; and the profiles are ``FastHttpUser``s, which cost
  Locust about 0.45 ms of CPU a request where ``requests`` cost 1.1 ms.
  Target: p99 <= 50 ms with 2 workers.
* **memory**: VmRSS summed over the server's processes, sampled every 0.25 s
  through the mixed runs with 1 worker. Target: < 150 MB.
* **prism**: Prism 5 (``@stoplight/prism-cli@5``, installed once with
  ``npm install --prefix <data dir>/bench/prism``; ``--install-prism`` does it)
  serving the first captured page of each system as a static example of a
  one-operation OpenAPI document, under the same rotating URLs. No target:
  the price of being stateful. Skipped, with a note, without node/npm.

Prints one table and exits 0 when every target is met, 1 on a miss, 2 when a
benchmark broke. Not for CI: it takes minutes and wants a quiet machine.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apidouble.load.bench import bench_alemba, bench_alisqi, bench_qatrack, bench_qses
from apidouble.load.bench._procs import (
    LOOPBACK,
    RssSampler,
    free_port,
    get_json,
    install_cleanup,
    server,
)
from apidouble.load.bench._wrk import WrkResult, median_run, wrk
from apidouble.mock_server.core.config import default_data_dir

SYSTEMS = ("aliquora", "qatrack", "alemba", "alisqi", "qses")
SCENARIOS = ("lists", "alemba", "mixed", "writes")
TARGET_LIST_RATIO = 0.40
TARGET_ALEMBA_RATIO = 2.0
TARGET_WRITES = {"qatrack": 300.0, "aliquora": 500.0}
TARGET_MIXED_P99_MS = 50.0
TARGET_RSS_MB = 150.0
MIN_PAGES = 8
CONNECTIONS, THREADS, MIXED_USERS = 16, 2, 16
PRISM_PACKAGE = "@stoplight/prism-cli@5"
LOCUST_CPU = "0"


# ------------------------------------------------------------------ logging in


def _post_form(url: str, form: dict[str, str], headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(),
                                     headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return json.load(response)


def _credentials(base: str) -> list[dict[str, Any]]:
    return list(get_json(f"{base}/__admin/credentials")["credentials"])


def auth_aliquora(base: str) -> dict[str, str]:
    for credential in _credentials(base):
        if credential.get("plan") == "api":
            headers = {"Authorization": f"Bearer {credential['apiKey']}"}
            if len(get_json(f"{base}/api/v1/samples?limit=50", headers)["data"]) == 50:
                return headers
    raise RuntimeError("no Aliquora demo key sees 50 samples")


def auth_qatrack(base: str) -> dict[str, str]:
    return {"Authorization": f"Token {bench_qatrack.performer_token(base)}"}


def auth_alemba(base: str) -> dict[str, str]:
    access, _refresh = bench_alemba.login(base)
    return {"Authorization": f"Bearer {access}"}


def auth_alisqi(base: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_credentials(base)[0]['token']}"}


def auth_qses(base: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bench_qses.token(base)}"}


# ------------------------------------------------------------------ rotated pages


def pages_aliquora(base: str, headers: dict[str, str]) -> list[str]:
    """Cursor pages of 50 samples, unfiltered and per status, each followed up to 8 deep."""
    found: list[str] = []
    for status in ("", "pending", "received", "processing", "completed", "verified"):
        path = "/api/v1/samples?limit=50" + (f"&status={status}" if status else "")
        for _ in range(8):
            found.append(path)
            page = get_json(base + path, headers)
            if not page.get("hasMore"):
                break
            cursor = urllib.parse.quote(str(page["nextCursor"]), safe="")
            path = path.split("&cursor=")[0] + f"&cursor={cursor}"
    return found


def pages_qatrack(base: str, headers: dict[str, str]) -> list[str]:
    """Test instances of a unit across two relations, by unit, ordering and offset."""
    units = get_json(f"{base}/api/units/units/?ordering=number&limit=100", headers)["results"]
    found = []
    for unit in units[:8]:
        for ordering in ("-work_completed", "work_completed"):
            for offset in (0, 50):
                found.append(bench_qatrack.QUERY_PATH.format(number=unit["number"]).replace(
                    "ordering=-work_completed", f"ordering={ordering}") + f"&offset={offset}")
    return found


def pages_alemba(_base: str, _headers: dict[str, str]) -> list[str]:
    """Call searches of 50: pages by $skip, in both orders, and filtered on priority."""
    api = bench_alemba.API
    found = []
    for skip in range(0, 400, 50):
        for order in ("Ref desc", "Ref asc"):
            found.append(_alemba({"$top": 50, "$skip": skip, "$orderby": order}))
    for priority in (1, 2, 3, 4, 5):
        found.append(_alemba({"$top": 50, "$filter": f"Priority>={priority}"}))
    return [f"{api}/call?{path}" for path in found]


def _alemba(params: dict[str, Any]) -> str:
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def pages_alisqi(base: str, headers: dict[str, str]) -> list[str]:
    definitions = {s["id"]: s for s in get_json(f"{base}/api/getAllSets", headers)}
    return bench_alisqi.page_paths(definitions)


def pages_qses(_base: str, _headers: dict[str, str]) -> list[str]:
    return bench_qses.paths()


def records(system: str, body: Any) -> int:
    """How many records a captured page holds."""
    if isinstance(body, list):
        return len(body)
    for key in ("data", "results", "items", "contacts", "value", "Data"):
        if isinstance(body.get(key), list):
            return len(body[key])
    return -1


@dataclass(frozen=True)
class System:
    name: str
    page: int
    auth: Callable[[str], dict[str, str]]
    pages: Callable[[str, dict[str, str]], list[str]]
    label: str


LISTS = {
    "aliquora": System("aliquora", 50, auth_aliquora, pages_aliquora, "samples, 50"),
    "qatrack": System("qatrack", 50, auth_qatrack, pages_qatrack,
                      "filtered testinstances, 50"),
    "alemba": System("alemba", 50, auth_alemba, pages_alemba, "call search, 50"),
    "alisqi": System("alisqi", 100, auth_alisqi, pages_alisqi, "getResults, 100"),
    "qses": System("qses", 50, auth_qses, pages_qses, "contacts, 50"),
}


@dataclass
class Captured:
    """The rotated URLs of one system (with their mount prefix) and the bytes the mock sent."""

    headers: dict[str, str]
    paths: list[str] = field(default_factory=list)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)


def bare_key(path: str) -> str:
    """How ``bare_app`` finds a page: decoded path (as WSGI's PATH_INFO) + raw query."""
    split = urllib.parse.urlsplit(path)
    return urllib.parse.unquote(split.path) + "?" + split.query


def capture(root: str, system: System) -> Captured:
    base = f"{root}/{system.name}"
    headers = system.auth(base)
    captured = Captured(headers)
    for path in system.pages(base, headers):
        request = urllib.request.Request(base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                body, kind = response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError:
            continue
        if records(system.name, json.loads(body)) != system.page or f"/{system.name}{path}" in \
                captured.answers:
            continue
        full = f"/{system.name}{path}"
        captured.paths.append(full)
        captured.answers[bare_key(full)] = {"type": kind,
                                            "body": base64.b64encode(body).decode()}
    if len(captured.paths) < MIN_PAGES:
        raise RuntimeError(f"{system.name}: only {len(captured.paths)} full pages of "
                           f"{system.page} to rotate over (want {MIN_PAGES})")
    return captured


def rotate_script(directory: Path, name: str, paths: Sequence[str],
                  headers: dict[str, str], spread: bool = False) -> Path:
    """A wrk script sending each request to the next URL of ``paths`` (per wrk thread).

    Each thread starts at a random URL, or, with ``spread``, at its own share of the
    list (thread k at k/THREADS of it), so that no thread sends a URL another sent
    shortly before."""
    listed = ",\n".join(f"  {json.dumps(p)}" for p in paths)
    lines = [f"local paths = {{\n{listed}\n}}", "local i = math.random(#paths)"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    if spread:
        lines += ["local threads = 0", "setup = function(thread)",
                  '  thread:set("share", threads)', "  threads = threads + 1", "end",
                  "init = function(args)",
                  f"  i = share * math.floor(#paths / {THREADS})", "end"]
    lines += ["request = function()", "  i = i % #paths + 1",
              '  return wrk.format("GET", paths[i])', "end"]
    script = directory / f"{name}.lua"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


# ------------------------------------------------------------------ running things


@dataclass
class Run:
    args: argparse.Namespace
    directory: Path
    rows: list[dict[str, Any]] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    prism_pages: dict[str, Captured] | None = None
    #: 2xx answers wrk counted in the last ``measure``, warm-up included, and its wrk runs
    answered: int = 0
    wrk_runs: int = 0

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "XDG_RUNTIME_DIR": str(self.directory),
                "XDG_DATA_HOME": str(self.directory)}

    def measure(self, url: str, script: Path | None = None,
                headers: dict[str, str] | None = None) -> WrkResult:
        options: dict[str, Any] = {"connections": CONNECTIONS, "threads": THREADS,
                                   "headers": headers,
                                   "script": None if script is None else str(script)}
        runs = [wrk(url, self.args.warmup, **options)] if self.args.warmup else []
        runs += [wrk(url, self.args.duration, **options) for _ in range(self.args.rounds)]
        self.answered = sum(run.requests - run.non_2xx for run in runs)
        self.wrk_runs = len(runs)
        result = median_run(runs[-self.args.rounds:])
        if result.non_2xx or result.socket_errors:
            raise RuntimeError(f"{url}: {result.non_2xx} non-2xx answers, "
                               f"{result.socket_errors} socket errors")
        return result

    def row(self, system: str, scenario: str, where: str, result: WrkResult | None = None,
            target: str = "", *, ok: bool | None = None, what: str = "",
            figures: dict[str, Any] | None = None) -> None:
        if ok is False:
            self.missed.append(what or f"{system} {scenario} ({where})")
        verdict = "" if ok is None else (" meets" if ok else " MISSES")
        self.rows.append({"system": system, "scenario": scenario, "where": where,
                          **(result.as_json() if result else {}), **(figures or {}),
                          "target": f"{target}{verdict}" if target else ""})

    @contextmanager
    def attempt(self, label: str) -> Iterator[None]:
        try:
            yield
        except Exception:  # noqa: BLE001 (report it and go on with the rest)
            traceback.print_exc()
            self.failed.append(label)

    @contextmanager
    def mock(self, server_name: str, workers: int) -> Iterator[tuple[str, int]]:
        port = free_port()
        db = self.directory / f"all-{server_name}-{workers}.sqlite3"
        command = [sys.executable, "-m", "apidouble", "serve", "--host", LOOPBACK, "--port",
                   str(port), "--db", f"sqlite:///{db}", "--server", server_name,
                   "--workers", str(workers), "--no-rate-limits", "--no-page-cache"]
        root = f"http://{LOOPBACK}:{port}"
        with server(command, f"{root}/aliquora/__admin/credentials",
                    self.directory / f"mock-{server_name}-{workers}.log", self.env,
                    timeout=300) as process:
            lift_allowances(db)
            yield root, process.pid

    @contextmanager
    def bare(self, server_name: str, workers: int, answers: Path,
             probe: str) -> Iterator[str]:
        port = free_port()
        command = [sys.executable, "-m", "apidouble.load.bench.bare_app", "--answers",
                   str(answers), "--server", server_name, "--host", LOOPBACK,
                   "--port", str(port), "--workers", str(workers)]
        root = f"http://{LOOPBACK}:{port}"
        with server(command, root + probe, self.directory / f"bare-{server_name}.log", self.env):
            yield root


def lift_allowances(db: Path) -> None:
    """Allowances off: every Aliquora organisation may create samples without end."""
    with sqlite3.connect(db, timeout=30) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%organizations'")]
        for table in tables:
            columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
            if "monthly_sample_allowance" in columns:
                connection.execute(f'UPDATE "{table}" SET monthly_sample_allowance = 1000000000')


def count_rows(db: Path, suffix: str, where: str = "") -> int:
    with sqlite3.connect(db, timeout=30) as connection:
        (table,) = connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE ? "
            "ORDER BY length(name) LIMIT 1", (f"%{suffix}",)).fetchone()
        return int(connection.execute(f'SELECT count(*) FROM "{table}" {where}').fetchone()[0])


# ------------------------------------------------------------------ the scenarios


def lists(run: Run, server_name: str, workers: int, root: str) -> None:
    captured: dict[str, Captured] = {}
    for name in run.args.systems:
        with run.attempt(f"{name} capture ({server_name})"):
            captured[name] = capture(root, LISTS[name])
    if not captured:
        return
    answers = run.directory / f"answers-{server_name}-{workers}.json"
    answers.write_text(json.dumps({k: v for c in captured.values()
                                   for k, v in c.answers.items()}), encoding="utf-8")
    first = next(iter(captured.values())).paths[0]
    where = f"{server_name} w{workers}"
    with run.bare(server_name, workers, answers, first) as bare_root:
        for name, pages in captured.items():
            with run.attempt(f"{name} list ({where})"):
                script = rotate_script(run.directory, f"{name}-rotate", pages.paths,
                                       pages.headers)
                mock = run.measure(root + pages.paths[0], script)
                bare = run.measure(bare_root + pages.paths[0], script)
                ratio = mock.requests_per_s / bare.requests_per_s
                run.row(name, f"{LISTS[name].label}, {len(pages.paths)} URLs", where,
                        mock, f"mock/bare {ratio:.0%} >= {TARGET_LIST_RATIO:.0%}",
                        ok=ratio >= TARGET_LIST_RATIO)
                run.row(name, "  same bytes, bare Flask app", where, bare)
    if run.prism_pages is None:
        run.prism_pages = captured


def alemba_ratio(run: Run, server_name: str, workers: int, root: str) -> float:
    """The plain list and the search, paging; returns the plain list's requests/s."""
    where = f"{server_name} w{workers}"
    headers = auth_alemba(f"{root}/alemba")
    plain = _alemba_rotated(run, root, headers, "plain", bench_alemba.plain_paths())
    query = _alemba_rotated(run, root, headers, "query", bench_alemba.query_paths())
    ratio = plain.requests_per_s / query.requests_per_s
    run.row("alemba", "call?$top=50 (plain), 7 pages", where, plain)
    run.row("alemba", "$filter+$select via relations, 48 pages", where, query,
            f"query/plain {ratio:.2f}x <= {TARGET_ALEMBA_RATIO:.0f}x",
            ok=ratio <= TARGET_ALEMBA_RATIO)
    return plain.requests_per_s


def alemba_first_sight(run: Run, server_name: str, workers: int, root: str,
                       plain_rate: float) -> None:
    """The search with a filter never seen before; last, as it floods the mock's caches."""
    paths = bench_alemba.first_sight_paths()
    first = _alemba_rotated(run, root, auth_alemba(f"{root}/alemba"), "first-sight", paths,
                            spread=True)
    run.row("alemba", f"  every filter new ({len(paths):,} URLs)", f"{server_name} w{workers}",
            first, f"query/plain {plain_rate / first.requests_per_s:.2f}x (no target)")


def _alemba_rotated(run: Run, root: str, headers: dict[str, str], name: str,
                    paths: list[str], spread: bool = False) -> WrkResult:
    mounted = [f"/alemba{path}" for path in paths]
    script = rotate_script(run.directory, f"alemba-{name}", mounted, headers, spread=spread)
    return run.measure(root + mounted[0], script)


def writes(run: Run, server_name: str, workers: int, root: str, db: Path) -> None:
    where = f"{server_name} w{workers}"
    if "qatrack" in run.args.systems:
        qatrack_writes(run, where, root, db)
    if "aliquora" in run.args.systems:
        aliquora_writes(run, where, root, db)


def qatrack_writes(run: Run, where: str, root: str, db: Path) -> None:
    with run.attempt(f"qatrack perform ({where})"):
        base = f"{root}/qatrack"
        token = bench_qatrack.performer_token(base)
        client = bench_qatrack.Client(base, token)
        fixtures = client.get("/__admin/fixtures")
        body = bench_qatrack.perform_body(client, fixtures)
        bench_qatrack.check_perform(client, body)
        script = bench_qatrack.write_script(run.directory, token, body)
        before = count_rows(db, "_testlistinstances")
        result = run.measure(base + bench_qatrack.PERFORM_PATH, script)
        added = count_rows(db, "_testlistinstances") - before
        collection = next(c for c in fixtures["unit_test_collections"]
                          if c["kind"] == "test_list")
        total = len(client.get(client.get(collection["path"])["tests_object"])["tests"])
        _write_row(run, "qatrack", f"perform a {total}-test list ({len(body['tests'])} given)",
                   where, result, added)


def aliquora_writes(run: Run, where: str, root: str, db: Path) -> None:
    with run.attempt(f"aliquora create ({where})"):
        base = f"{root}/aliquora"
        headers = auth_aliquora(base)
        definitions = get_json(f"{base}/api/v1/test-definitions?limit=3", headers)["data"]
        material = get_json(f"{base}/api/v1/material-types?limit=1", headers)["data"][0]
        sample = {"clientName": "apidouble bench", "materialTypeId": material["id"],
                  "collectionDate": "2025-10-01", "priority": "normal",
                  "testDefinitionIds": [d["id"] for d in definitions[:3]]}
        script = run.directory / "create.lua"
        bearer = json.dumps(headers["Authorization"])
        script.write_text('wrk.method = "POST"\n'
                          f"wrk.body = [==[{json.dumps(sample)}]==]\n"
                          'wrk.headers["Content-Type"] = "application/json"\n'
                          f'wrk.headers["Authorization"] = {bearer}\n',
                          encoding="utf-8")
        mine = "WHERE client_name = 'apidouble bench'"
        before = count_rows(db, "_samples", mine)
        result = run.measure(base + "/api/v1/samples", script)
        added = count_rows(db, "_samples", mine) - before
        tests = _tests_per_bench_sample(db)
        _write_row(run, "aliquora", "create a sample with 3 tests", where, result, added,
                   tests=tests)


def _tests_per_bench_sample(db: Path) -> set[int]:
    with sqlite3.connect(db, timeout=30) as connection:
        names = [n for (n,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND "
            "(name LIKE '%\\_samples' ESCAPE '\\' OR name LIKE '%\\_sample\\_tests' ESCAPE '\\')"
            " ORDER BY length(name)")]
        samples, tests = names[0], names[1]
        rows = connection.execute(
            f'SELECT count(t.id) FROM "{samples}" s LEFT JOIN "{tests}" t ON t.sample_id = s.id '
            f"WHERE s.client_name = 'apidouble bench' GROUP BY s.id").fetchall()
    return {int(n) for (n,) in rows}


def _write_row(run: Run, system: str, scenario: str, where: str, result: WrkResult,
               added: int, *, tests: set[int] | None = None) -> None:
    """Rows added by every wrk run (warm-up included) must match the 2xx answers wrk
    counted, plus at most the requests in flight when each run stopped (wrk does not
    count those; the server may still finish them)."""
    counted = run.answered
    target = TARGET_WRITES[system]
    intact = counted <= added <= counted + CONNECTIONS * run.wrk_runs
    if tests is not None:
        intact = intact and tests == {3}
    run.row(system, scenario, where, result,
            f"{result.requests_per_s:.0f}/s >= {target:.0f}/s", ok=result.requests_per_s >= target)
    run.row(system, "  rows added, checked", where, None,
            f"{added} rows for {counted} 201s (+ <= {CONNECTIONS * run.wrk_runs} in flight)"
            + ("" if tests is None else f", tests per sample {sorted(tests)}")
            + (": intact" if intact else ": LOST OR DUPLICATED"),
            ok=intact, what=f"{system} writes intact ({where})")


def mixed(run: Run, server_name: str, workers: int, root: str, pid: int) -> None:
    where = f"{server_name} w{workers}"
    sampler = RssSampler(pid)
    with sampler:
        for name in run.args.systems:
            with run.attempt(f"{name} mixed ({where})"):
                figures = locust(run, f"{root}/{name}", name, f"{server_name}-{workers}")
                if workers == 2:
                    p99 = figures["p99_ms"]
                    run.row(name, f"Locust mix, {MIXED_USERS} users, no pacing", where,
                            figures=figures,
                            target=f"p99 {p99:.0f} ms <= {TARGET_MIXED_P99_MS:.0f} ms",
                            ok=p99 <= TARGET_MIXED_P99_MS)
                else:
                    run.row(name, f"Locust mix, {MIXED_USERS} users, no pacing", where,
                            figures=figures)
    if workers == 1 and tuple(run.args.systems) == SYSTEMS:
        peak = sampler.peak_rss_kb / 1024
        run.row("all five", "RSS under the mixed load", where,
                figures={"rss_mb": round(peak, 1), "pss_mb": round(sampler.peak_pss_kb / 1024, 1)},
                target=f"peak {peak:.0f} MB < {TARGET_RSS_MB:.0f} MB (PSS "
                       f"{sampler.peak_pss_kb / 1024:.0f})", ok=peak < TARGET_RSS_MB)


def locust(run: Run, base: str, system: str, tag: str) -> dict[str, Any]:
    """Locust headless, pinned to one CPU, no think time; the mix row's figures."""
    profile = Path(__file__).resolve().parents[1] / f"{system}.py"
    prefix = run.directory / f"locust-{system}-{tag}"
    warmup = Path(__file__).with_name("locust_warmup.py")
    command = [sys.executable, "-m", "locust", "-f", f"{profile},{warmup}", "--headless",
               "-u", str(MIXED_USERS), "-r", str(MIXED_USERS),
               "-t", f"{run.args.warmup + run.args.duration}s", "--host", base,
               "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
               "--exit-code-on-error", "0"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", LOCUST_CPU, *command]
    # no think time, and no client-side pacing either (QS Enrolment's profile keeps under
    # the real rate limits by default; the mock here runs with them off)
    env = {**run.env, "APIDOUBLE_THINK_TIME": "0,0", "APIDOUBLE_QSES_PACE": "0",
           "APIDOUBLE_BENCH_WARMUP": str(run.args.warmup)}
    done = subprocess.run(command, env=env, capture_output=True, text=True,
                          timeout=run.args.warmup + run.args.duration + 120, check=False)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust wrote no statistics ({done.returncode}): "
                           f"{done.stderr[-2000:]}")
    figures = locust_figures(stats)
    if not figures["requests"]:
        raise RuntimeError(f"locust made no requests: {done.stderr[-2000:]}")
    return figures


def locust_figures(stats: Path) -> dict[str, Any]:
    """A mix row's figures from Locust's ``_stats.csv``: the aggregated ones, and each kind
    of request's (``by_request``: whether a mix's p99 is one slow endpoint or the queue of
    all), under the row's own names."""
    with stats.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    by_request = [{"request": f"{r['Type']} {r['Name']}", "requests": int(r["Request Count"]),
                   "p50_ms": _ms(r["50%"]), "p99_ms": _ms(r["99%"])}
                  for r in rows if r["Name"] != "Aggregated" and int(r["Request Count"])]
    return {"requests_per_s": float(total["Requests/s"]), "p50_ms": _ms(total["50%"]),
            "p99_ms": _ms(total["99%"]), "requests": int(total["Request Count"]),
            "failures": int(total["Failure Count"]), "by_request": by_request}


def _ms(text: str) -> float | None:
    """A percentile of Locust's table; ``N/A`` where nothing was measured."""
    return None if text == "N/A" else float(text)


# ------------------------------------------------------------------ Prism


def prism_binary(args: argparse.Namespace) -> Path | None:
    directory = Path(args.prism_dir)
    binary = directory / "node_modules" / ".bin" / "prism"
    if not binary.exists() and args.install_prism and shutil.which("npm"):
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(directory), PRISM_PACKAGE],
                       check=False, timeout=600)
    return binary if binary.exists() and shutil.which("node") else None


def prism_document(captured: dict[str, Captured]) -> dict[str, Any]:
    """One GET operation per system's list path, its example the first captured page."""
    paths: dict[str, Any] = {}
    for pages in captured.values():
        first = pages.paths[0]
        answer = pages.answers[bare_key(first)]
        kind = answer["type"].split(";")[0] or "application/json"
        example = json.loads(base64.b64decode(answer["body"]))
        path = urllib.parse.unquote(urllib.parse.urlsplit(first).path)
        paths[path] = {"get": {"responses": {"200": {
            "description": "the page", "content": {kind: {"example": example}}}}}}
    return {"openapi": "3.1.0", "info": {"title": "apidouble bench", "version": "1"},
            "paths": paths}


def prism(run: Run, captured: dict[str, Captured]) -> None:
    binary = prism_binary(run.args)
    if binary is None:
        run.notes.append(f"Prism column skipped: no {PRISM_PACKAGE} under {run.args.prism_dir} "
                         "(run with --install-prism, needs node and npm)")
        return
    document = run.directory / "prism.json"
    document.write_text(json.dumps(prism_document(captured)), encoding="utf-8")
    port = free_port()
    root = f"http://{LOOPBACK}:{port}"
    first = next(iter(captured.values())).paths[0]
    command = [str(binary), "mock", "-h", LOOPBACK, "-p", str(port), str(document)]
    with server(command, root + first, run.directory / "prism.log", run.env):
        for name, pages in captured.items():
            with run.attempt(f"{name} prism"):
                script = rotate_script(run.directory, f"{name}-prism", pages.paths,
                                       pages.headers)
                run.row(name, "  Prism 5, static example", "node", run.measure(
                    root + pages.paths[0], script))


# ------------------------------------------------------------------ the table


def collect(args: argparse.Namespace, directory: Path) -> Run:
    run = Run(args, directory)
    for server_name in args.servers:
        for workers in args.workers:
            where = f"{server_name} w{workers}"
            print(f"=== {where}; load average {_load()} ===", flush=True)
            with run.attempt(f"serve ({where})"), run.mock(server_name, workers) as (root, pid):
                db = directory / f"all-{server_name}-{workers}.sqlite3"
                scenarios = args.scenarios
                if "lists" in scenarios:
                    lists(run, server_name, workers, root)
                plain_rate = None
                if "alemba" in scenarios and "alemba" in args.systems:
                    with run.attempt(f"alemba query ({where})"):
                        plain_rate = alemba_ratio(run, server_name, workers, root)
                if "mixed" in scenarios:
                    with run.attempt(f"mixed ({where})"):
                        mixed(run, server_name, workers, root, pid)
                if "writes" in scenarios and workers == 2:
                    writes(run, server_name, workers, root, db)
                if plain_rate is not None:
                    with run.attempt(f"alemba first sight ({where})"):
                        alemba_first_sight(run, server_name, workers, root, plain_rate)
    if args.prism and run.prism_pages:
        with run.attempt("prism"):
            prism(run, run.prism_pages)
    return run


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def render(run: Run, started_load: str) -> str:
    args = run.args
    header = (f"{'system':<9} {'scenario':<42} {'where':<12} {'req/s':>7} {'p50 ms':>7} "
              f"{'p99 ms':>7}  target")
    lines = ["", f"apidouble benchmark: lists rotate over the URLs counted; wrk {CONNECTIONS} "
             f"connections/{THREADS} threads, "
             f"Locust {MIXED_USERS} users on CPU {LOCUST_CPU}; {args.warmup}s warm-up, "
             f"{args.duration}s measured, median of {args.rounds}; {os.cpu_count()} CPUs; "
             f"load average before {started_load}, after {_load()}", "", header,
             "-" * len(header)]
    for row in run.rows:
        if "requests_per_s" in row:
            figures = (f"{row['requests_per_s']:>7.0f} {row['p50_ms']:>7.1f} "
                       f"{row['p99_ms']:>7.1f}")
        else:
            figures = f"{'-':>7} {'-':>7} {'-':>7}"
        lines.append(f"{row['system']:<9} {row['scenario'][:42]:<42} {row['where']:<12} "
                     f"{figures}  {row['target']}")
    lines.append("")
    lines += run.notes
    if run.failed:
        lines.append("BROKE: " + ", ".join(run.failed) + " (tracebacks above)")
    if run.missed:
        lines.append("targets missed: " + ", ".join(run.missed))
    elif not run.failed:
        lines.append("every target met")
    return "\n".join(lines)


def _csv_of(kind: Callable[[str], Any], allowed: Sequence[Any]) -> Callable[[str], list[Any]]:
    def parse(text: str) -> list[Any]:
        values = [kind(part) for part in text.split(",") if part]
        if not values or any(v not in allowed for v in values):
            raise argparse.ArgumentTypeError(f"a comma-separated list of {list(allowed)}")
        return values
    return parse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m apidouble.load.bench",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=_csv_of(str, ("gunicorn", "granian")),
                        default=["gunicorn", "granian"])
    parser.add_argument("--workers", type=_csv_of(int, (1, 2, 3, 4)), default=[1, 2])
    parser.add_argument("--duration", type=int, default=5, choices=range(1, 121),
                        metavar="SECONDS (1..120)")
    parser.add_argument("--warmup", type=int, default=2, choices=range(0, 31),
                        metavar="SECONDS (0..30)")
    parser.add_argument("--rounds", type=int, default=1, choices=range(1, 6), metavar="1..5",
                        help="measured runs of each wrk scenario; the median run is reported")
    parser.add_argument("--systems", type=_csv_of(str, SYSTEMS), default=list(SYSTEMS),
                        help="only these systems (a quick look; the table then has fewer rows)")
    parser.add_argument("--scenarios", type=_csv_of(str, SCENARIOS), default=list(SCENARIOS),
                        help=f"only these of {','.join(SCENARIOS)}")
    parser.add_argument("--no-prism", dest="prism", action="store_false")
    parser.add_argument("--install-prism", action="store_true",
                        help=f"npm install {PRISM_PACKAGE} into --prism-dir when missing")
    parser.add_argument("--prism-dir", default=str(default_data_dir() / "bench" / "prism"))
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    install_cleanup()
    started = _load()
    with tempfile.TemporaryDirectory(prefix="apidouble-bench-") as directory:
        run = collect(args, Path(directory))
    print(render(run, started))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"config": vars(args), "rows": run.rows, "missed": run.missed,
             "failed": run.failed, "notes": run.notes, "started": time.time()}, indent=2)
            + "\n", encoding="utf-8")
    if run.failed:
        return 2
    return 1 if run.missed else 0


if __name__ == "__main__":
    sys.exit(main())
