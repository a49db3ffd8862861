"""``apidouble check``: run a system's conformance suite with pytest against a base URL."""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

import pytest

CREDENTIAL_OPTIONS = ("api_key", "token", "username", "password", "client_id", "client_secret")
ENV_PREFIX = "APIDOUBLE_"


def credentials_from(args: argparse.Namespace) -> dict[str, str]:
    """CLI options win over ``APIDOUBLE_*`` environment variables."""
    found: dict[str, str] = {}
    for name in CREDENTIAL_OPTIONS:
        value = getattr(args, name, None) or os.environ.get(ENV_PREFIX + name.upper())
        if value:
            found[name] = value
    for item in args.identity:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise SystemExit(f"apidouble: --identity takes NAME=VALUE, not {item!r}")
        found[name.strip()] = value
    return found


def pytest_arguments(args: argparse.Namespace) -> list[str]:
    package = import_module(f"apidouble.conformance.{args.system}")
    arguments = [
        os.path.dirname(package.__file__ or ""),
        "-p", "apidouble.conformance.plugin",
        "-p", "no:cacheprovider",
        "-p", "no:locust",
        "-c", os.devnull,
        "--rootdir", os.path.dirname(package.__file__ or ""),
        "--import-mode=importlib",
        "-q", "-rfE",
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


def run_check(args: argparse.Namespace) -> int:
    try:
        package = import_module(f"apidouble.conformance.{args.system}")
    except ModuleNotFoundError:
        print(f"apidouble: no conformance suite for {args.system!r}", file=sys.stderr)
        return 2
    if args.list_identities:
        for name, meaning in package.IDENTITIES.items():
            print(f"{name:<24} {meaning}")
        return 0
    os.environ["APIDOUBLE_HYPOTHESIS_PROFILE"] = args.hypothesis_profile
    if getattr(args, "admin_token", None):
        os.environ["APIDOUBLE_ADMIN_TOKEN"] = args.admin_token  # read by target.py
    code = pytest.main(pytest_arguments(args))
    # No test selected (say, -k matched nothing) means no rule failed.
    return 0 if code == pytest.ExitCode.NO_TESTS_COLLECTED else int(code)
