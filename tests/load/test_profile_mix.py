"""``profile_mix`` runs a system's own Locust user in-process and reports each kind of request."""

from __future__ import annotations

import re
import subprocess
import sys


def test_each_kind_of_request_is_timed_with_its_statements() -> None:
    # A subprocess: importing locust patches the interpreter with gevent.
    done = subprocess.run(
        [sys.executable, "-m", "apidouble.load.bench.profile_mix", "qatrack", "alisqi",
         "--tasks", "40", "--warm-up", "5"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    report = done.stdout
    for system in ("qatrack", "alisqi"):
        assert re.search(rf"##### {system}: 40 tasks, \d+ requests, 0 failures", report), report
    rows = dict(re.findall(r"^((?:GET|POST) \S+(?: [^\d\s]\S*)*)\s+(\d+)\s", report, re.M))
    assert int(rows["GET /api/getResults"]) > 0, report  # AlisQI's heaviest task ran
    # n, mean, p50, p99, share, then the statements: all of them and those via SQLAlchemy
    statements = re.search(r"^GET /api/qa/testlistinstances/\S*\s+\d+\s+\d+\s+\d+\s+\d+\s+"
                           r"\d+%\s+([\d.]+)\s+([\d.]+)$", report, re.M)
    assert statements is not None and 1 <= float(statements.group(1)) < 20, report
    assert float(statements.group(2)) <= float(statements.group(1)), report
    stored = re.search(r"^POST /api/storeResults\s.*\s([\d.]+)\s+([\d.]+)$", report, re.M)
    assert stored is not None and float(stored.group(2)) > 0, report  # its set lookup


def test_an_unknown_system_is_one_clear_line() -> None:
    done = subprocess.run([sys.executable, "-m", "apidouble.load.bench.profile_mix", "nope"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown system 'nope'" in done.stderr.splitlines()[-1]


def test_a_failed_request_is_counted() -> None:
    """Locust's own statistics listen only under a runner: the profile counts failures."""
    script = ("from apidouble.load.bench import profile_mix as p\n"
              "answer = p._Answer.__init__\n"
              "def failing(self, code, headers, body):\n"
              "    answer(self, 503 if len(body) > 3000 else code, headers, body)\n"
              "p._Answer.__init__ = failing\n"
              "print(p.run('qses', 20, 1, 1))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r"##### qses: 20 tasks, \d+ requests, (\d+) failures", done.stdout)
    assert found is not None and int(found.group(1)) > 0, done.stdout
    assert "failed: /crms/api/" in done.stdout and "unexpected 503" in done.stdout
