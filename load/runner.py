"""``apidouble load SYSTEM``: run the system's Locust profile headless, in a subprocess.

    apidouble load aliquora --base-url http://127.0.0.1:8000 --users 20 --spawn-rate 5 \\
        --run-time 5m --csv load-results/aliquora --html load-results/aliquora.html

runs ``python -m locust -f load/<system>.py --headless ...`` and returns
Locust's exit code (1 when any request failed). Locust runs in its own process
so that gevent's monkey-patching never touches ours. Credentials travel in the
environment (``APIDOUBLE_API_KEY``, ``APIDOUBLE_USERNAME``,
``APIDOUBLE_PASSWORD``), not on a command line anyone can read in ``ps``.
Without ``--api-key`` the base URL must be one of our mocks: the profile then
uses the demo keys it publishes at ``<base-url>/__admin/credentials``.

Environment knobs the profiles read: ``APIDOUBLE_SHAPE=ramp|spike|steps|soak``
follows a staged load shape (stages are shares of ``--users`` and
``--run-time``, see ``load/_common.py``); ``APIDOUBLE_THINK_TIME=MIN,MAX``
overrides the seconds users wait between tasks; ``APIDOUBLE_TOUR=1`` makes each
user run every task once before following the weights (short smoke runs).

Distributed runs
----------------
When one machine cannot generate enough load, use Locust's own distributed
mode with the same profile file; nothing in the profile changes::

    # on the master (no users run here; it aggregates and writes the CSV/HTML)
    APIDOUBLE_API_KEY=lk_... python -m locust -f load/aliquora.py --master --headless \\
        --expect-workers 4 --host https://mock.example:8000 -u 200 -r 20 -t 10m \\
        --csv load-results/aliquora
    # on each worker machine (one per CPU core: a worker uses a single core)
    python -m locust -f load/aliquora.py --worker --master-host MASTER_HOST

The master sends ``--host``, ``--users``, ``--api-key``, ``--think-time`` and
``--tour`` to the workers; ``APIDOUBLE_SHAPE`` must be set on the master, which drives the
shape. Against our mock, each worker fetches the demo keys itself and deals
them to its own users. Run the mock with several workers and ``--redis`` so
its rate windows are shared (``apidouble serve --workers 4 --redis URL``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

PROFILES = Path(__file__).resolve().parent
CREDENTIAL_ENV = {"api_key": "APIDOUBLE_API_KEY", "username": "APIDOUBLE_USERNAME",
                  "password": "APIDOUBLE_PASSWORD"}


def profile_path(system: str) -> Path | None:
    """``load/<system>.py``, or None when there is no profile by that name."""
    if not system.isidentifier() or system.startswith("_"):
        return None
    path = PROFILES / f"{system}.py"
    return path if path.is_file() else None


def available_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES.glob("*.py")
                  if not p.stem.startswith("_") and p.stem != "runner")


def locust_command(args: argparse.Namespace, path: Path) -> list[str]:
    command = [
        sys.executable, "-m", "locust", "-f", str(path), "--headless",
        "--host", args.base_url.rstrip("/"),
        "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
        "--run-time", str(args.run_time), "--only-summary",
    ]
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
        command += ["--csv", args.csv]
    if args.html:
        Path(args.html).parent.mkdir(parents=True, exist_ok=True)
        command += ["--html", args.html]
    return command


def locust_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    for option, variable in CREDENTIAL_ENV.items():
        value = getattr(args, option, None)
        if value:
            env[variable] = value
    return env


def publishes_credentials(base_url: str, timeout: float = 5.0) -> bool:
    """Whether ``base_url`` is one of our mocks (it lists demo credentials)."""
    url = base_url.rstrip("/") + "/__admin/credentials"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            body = json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return False
    return isinstance(body, dict) and bool(body.get("credentials"))


def run_load(args: argparse.Namespace) -> int:
    path = profile_path(args.system)
    if path is None:
        print(f"apidouble: no load profile for {args.system!r}; available: "
              f"{', '.join(available_profiles()) or 'none'}", file=sys.stderr)
        return 2
    env = locust_env(args)
    has_credentials = any(env.get(variable) for variable in CREDENTIAL_ENV.values())
    if not has_credentials and not publishes_credentials(args.base_url):
        print(f"apidouble: {args.base_url} is not an apidouble mock (no /__admin/credentials);"
              " pass --api-key (or --username/--password) for a real service",
              file=sys.stderr)
        return 2
    process = subprocess.Popen(locust_command(args, path), env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:  # Locust got the same SIGINT: let it write its summary
        try:
            return process.wait(timeout=30)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
            return 130
