"""``python -m apidouble.load.bench``'s pure parts: no server, no wrk, no timing."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from apidouble.load.bench import suite
from apidouble.load.bench.bare_app import create_answering_app
from apidouble.load.bench.suite import Captured


def test_the_bare_app_answers_each_captured_url_with_its_exact_bytes() -> None:
    body = b'{"data":[1, 2],"hasMore":false}'
    path = "/alemba/alemba.api/api/v1/call?%24top=50&%24filter=Priority%3E%3D1"
    answers = {suite.bare_key(path): {"type": "application/json; charset=utf-8",
                                      "body": base64.b64encode(body).decode()}}
    client = create_answering_app(answers).test_client()
    reply = client.get(path)
    assert (reply.status_code, reply.data) == (200, body)
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert client.get("/alemba/alemba.api/api/v1/call?%24top=49").status_code == 404


def test_the_rotation_script_lists_every_url_and_sends_the_headers(tmp_path: Path) -> None:
    paths = ['/qses/crms/api/contacts?limit=50&offset=0', '/qses/a?b="c"']
    script = suite.rotate_script(tmp_path, "x", paths, {"Authorization": "Bearer t"})
    text = script.read_text()
    assert all(json.dumps(path) in text for path in paths)
    assert 'wrk.headers["Authorization"] = "Bearer t"' in text
    assert "i % #paths + 1" in text


@pytest.mark.parametrize(("body", "count"), [
    ({"data": [1, 2]}, 2), ({"results": [1]}, 1), ({"Data": [1, 2, 3], "Meta": {}}, 3),
    ([1, 2, 3, 4], 4), ({"other": 1}, -1)])
def test_records_counts_a_page_of_each_system(body: object, count: int) -> None:
    assert suite.records("any", body) == count


def test_the_prism_document_holds_the_first_page_of_each_system_as_its_example() -> None:
    page = {"data": [{"id": 1}], "hasMore": True}
    path = "/aliquora/api/v1/samples?limit=50&status=pending"
    captured = Captured({}, [path], {suite.bare_key(path): {
        "type": "application/json", "body": base64.b64encode(json.dumps(page).encode()).decode()}})
    document = suite.prism_document({"aliquora": captured})
    operation = document["paths"]["/aliquora/api/v1/samples"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["example"] == page


def test_options_take_lists_of_servers_and_workers() -> None:
    args = suite.parse_args(["--servers", "granian", "--workers", "2", "--no-prism"])
    assert (args.servers, args.workers, args.prism) == (["granian"], [2], False)
    defaults = suite.parse_args([])
    assert (defaults.servers, defaults.workers) == (["gunicorn", "granian"], [1, 2])
    with pytest.raises(SystemExit):
        suite.parse_args(["--servers", "waitress"])


def test_options_narrow_the_run_to_some_systems_and_scenarios() -> None:
    args = suite.parse_args(["--systems", "qses,alemba", "--scenarios", "lists"])
    assert (args.systems, args.scenarios) == (["qses", "alemba"], ["lists"])
    defaults = suite.parse_args([])
    assert tuple(defaults.systems) == suite.SYSTEMS
    assert tuple(defaults.scenarios) == suite.SCENARIOS
    with pytest.raises(SystemExit):
        suite.parse_args(["--systems", "jira"])


def test_locust_statistics_start_after_the_warm_up() -> None:
    """Run in a child: importing Locust monkey-patches the interpreter (gevent)."""
    import subprocess
    import sys

    child = """
import os
os.environ["APIDOUBLE_BENCH_WARMUP"] = "0.05"
import gevent
from apidouble.load.bench import locust_warmup
resets = []
class Stats:
    def reset_all(self):
        resets.append(True)
class Environment:
    runner = type("Runner", (), {"stats": Stats()})()
locust_warmup._reset_after_warmup(Environment())
assert resets == [], "reset before the warm-up was over"
gevent.sleep(0.2)
assert resets == [True], resets
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


LOCUST_HEADER = ("Type,Name,Request Count,Failure Count,Median Response Time,Average Response "
                 "Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,"
                 "Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%")


def test_locust_figures_read_the_aggregate_and_each_kind_of_request(tmp_path: Path) -> None:
    stats = tmp_path / "mix_stats.csv"
    stats.write_text("\n".join([
        LOCUST_HEADER,
        "GET,/api/getAllSets,0,0,0,0.0,0,0,0,0.0,0.0" + ",N/A" * 11,
        "GET,/api/getResults,310,0,110,116.2,38.9,330.1,11629.6,78.2,0.0,"
        "110,120,130,140,150,180,300,320,330,330,330",
        "POST,/api/storeResults,96,1,110,118.0,40.0,345.0,20.0,24.2,0.2,"
        "110,120,130,140,160,200,330,350,345,345,345",
        ",Aggregated,406,1,110,116.6,38.9,345.0,8800.0,102.4,0.2,"
        "110,120,130,140,150,190,310,330,345,345,345",
    ]) + "\n", encoding="utf-8")
    figures = suite.locust_figures(stats)
    assert (figures["requests_per_s"], figures["p50_ms"], figures["p99_ms"]) == (102.4, 110.0,
                                                                                 330.0)
    assert (figures["requests"], figures["failures"]) == (406, 1)
    assert figures["by_request"] == [  # a kind that made no request is left out
        {"request": "GET /api/getResults", "requests": 310, "p50_ms": 110.0, "p99_ms": 320.0},
        {"request": "POST /api/storeResults", "requests": 96, "p50_ms": 110.0,
         "p99_ms": 350.0}]


def test_locust_figures_of_a_mix_that_made_no_request(tmp_path: Path) -> None:
    stats = tmp_path / "idle_stats.csv"
    stats.write_text(LOCUST_HEADER + "\n,Aggregated,0,0,0,0.0,0,0,0,0.0,0.0" + ",N/A" * 11
                     + "\n", encoding="utf-8")
    figures = suite.locust_figures(stats)
    assert (figures["requests"], figures["p99_ms"], figures["by_request"]) == (0, None, [])


def test_the_table_shows_every_row_and_names_the_misses(tmp_path: Path) -> None:
    run = suite.Run(suite.parse_args(["--rounds", "1"]), tmp_path)
    figures = {"requests_per_s": 123.4, "p50_ms": 1.5, "p99_ms": 9.25}
    run.row("qatrack", "perform a 11-test list", "granian w2", figures=figures,
            target="123/s >= 300/s", ok=False)
    run.row("all five", "RSS under the mixed load", "gunicorn w1",
            figures={"rss_mb": 140.0}, target="peak 140 MB < 150 MB", ok=True)
    text = suite.render(run, "0.10 0.20 0.30")
    assert re.search(r"qatrack\s+perform a 11-test list\s+granian w2\s+123\s+1\.5\s+9\.2\s+"
                     r"123/s >= 300/s MISSES", text)
    assert re.search(r"all five\s+RSS under the mixed load\s+gunicorn w1\s+-\s+-\s+-\s+"
                     r"peak 140 MB < 150 MB meets", text)
    assert "targets missed: qatrack perform a 11-test list (granian w2)" in text
    run.missed.clear()
    assert "every target met" in suite.render(run, "0.10 0.20 0.30")
