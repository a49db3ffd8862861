"""``apidouble check``: run a system's conformance suite with pytest against a base URL.

The exit code is apidouble's own, decided from the rules' verdicts
(conformance/verdicts.py, docs/conformance.md): 0 something passed and
nothing failed, 1 a rule failed, 2 usage error / unreachable target / the
suite broke, 3 nothing was judged.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from .verdicts import EXIT_BROKEN, EXIT_OK

CREDENTIAL_OPTIONS = ("api_key", "token", "username", "password", "client_id", "client_secret")
ENV_PREFIX = "APIDOUBLE_"
PROBE_TIMEOUT = 5.0


class UsageError(Exception):
    """A mistake on the command line: one line, exit 2."""


def credentials_from(args: argparse.Namespace) -> dict[str, str]:
    """CLI options win over ``APIDOUBLE_*`` environment variables."""
    found: dict[str, str] = {}
    for name in CREDENTIAL_OPTIONS:
        value = getattr(args, name, None) or os.environ.get(ENV_PREFIX + name.upper())
        if value:
            found[name] = value
    for item in args.identity:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--identity takes NAME=VALUE, not {item!r}")
        found[name.strip()] = value
    return found


def pytest_arguments(args: argparse.Namespace, package: ModuleType) -> list[str]:
    folder = os.path.dirname(package.__file__ or "")
    arguments = [
        folder, "-p", "apidouble.conformance.plugin", "-p", "no:cacheprovider",
        "-p", "no:locust", "-p", "no:faker", "-c", os.devnull, "--rootdir", folder,
        "--import-mode=importlib",
        # apidouble prints a line per rule; pytest's dots, tracebacks and summary would bury it
        "-qq", "--tb=no", "-rN", "--no-header", "--no-summary",
        "-o", "console_output_style=classic",
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
        "--apidouble-system", args.system,
        "--apidouble-base-url", args.base_url,
        "--apidouble-report-dir", args.report_dir,
    ]
    for name, value in credentials_from(args).items():
        arguments += ["--apidouble-credential", f"{name}={value}"]
    if args.allow_writes:
        arguments.append("--apidouble-allow-writes")
    if args.keyword:
        arguments += ["-k", args.keyword]
    if args.markers:
        arguments += ["-m", args.markers]
    if args.workers not in ("0", ""):
        arguments += ["-n", args.workers]
    return arguments


def unreachable(base_url: str) -> str | None:
    """Why the target cannot be reached (one line), or None when it answers anything."""
    try:
        requests.get(base_url, timeout=PROBE_TIMEOUT, allow_redirects=False)
    except requests.exceptions.SSLError as error:
        return f"TLS failed: {type(error.args[0]).__name__ if error.args else error}"
    except requests.exceptions.Timeout:
        return f"no answer within {PROBE_TIMEOUT:.0f}s"
    except requests.exceptions.ConnectionError:
        return "connection refused or host unknown"
    except requests.RequestException as error:
        return type(error).__name__
    return None


def validate(args: argparse.Namespace) -> ModuleType:
    """The system's conformance package, or a UsageError naming the mistake."""
    try:
        package = import_module(f"apidouble.conformance.{args.system}")
    except ModuleNotFoundError:
        raise UsageError(f"no conformance suite for {args.system!r}") from None
    if args.list_identities:
        return package
    if not args.base_url:
        raise UsageError("check needs --base-url (or --list-identities)")
    parts = urlsplit(args.base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--base-url must be an http(s) URL, not {args.base_url!r}")
    if args.workers not in ("", "auto", "logical") and not args.workers.isdigit():
        raise UsageError(f"-n takes a number of workers, not {args.workers!r}")
    credentials_from(args)
    return package


class Outcome:
    """Picks the plugin's (exit code, verdicts) off the config before pytest drops it."""

    def __init__(self) -> None:
        self.code: int | None = None

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        from .plugin import RESULT_KEY

        found: Any = config.stash.get(RESULT_KEY, None)
        if found is not None:
            self.code = int(found[0])


def run_check(args: argparse.Namespace) -> int:
    try:
        package = validate(args)
    except UsageError as error:
        print(f"apidouble check: {error}", file=sys.stderr)
        return EXIT_BROKEN
    if args.list_identities:
        for name, meaning in package.IDENTITIES.items():
            print(f"{name:<24} {meaning}")
        return EXIT_OK
    why = unreachable(args.base_url)
    if why:
        print(f"apidouble check: cannot reach {args.base_url}: {why}", file=sys.stderr)
        return EXIT_BROKEN
    os.environ["APIDOUBLE_HYPOTHESIS_PROFILE"] = args.hypothesis_profile
    if getattr(args, "admin_token", None):
        os.environ["APIDOUBLE_ADMIN_TOKEN"] = args.admin_token  # read by target.py
    outcome = Outcome()
    pytest_code = pytest.main(pytest_arguments(args, package), plugins=[outcome])
    if outcome.code is None:  # the plugin never finished: pytest itself broke
        print(f"apidouble check: the suite could not run (pytest exit {int(pytest_code)})",
              file=sys.stderr)
        return EXIT_BROKEN
    return outcome.code
