"""The ``apidouble`` command: ``serve``, ``check``, ``load`` and ``spec``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    """A mistake on the command line answers one clear line and exit code 2, no usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _bounded_int(low: int, high: int | None, what: str) -> Callable[[str], int]:
    """An argparse type: an integer in ``[low, high]``, with a one-line error otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"{what} must be {bound}, not {value}")
        return value

    return parse


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("apidouble")
    except PackageNotFoundError:  # running from a checkout without installing
        from . import __version__

        return __version__


def _serve_parser(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run mock servers with seeded data")
    serve.add_argument("systems", nargs="*", metavar="SYSTEM",
                       help="systems to serve (default: every implemented system)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; beyond loopback the "
                            "admin interface requires a token)")
    serve.add_argument("--port", type=_bounded_int(1, 65535, "--port"), default=8000,
                       help="port to listen on (default 8000)")
    serve.add_argument("--root", action="store_true",
                       help="serve one system at its real paths instead of under /<system>")
    serve.add_argument("--db", metavar="URL",
                       help="SQLAlchemy URL, e.g. postgresql://user:pw@host/db for a shared "
                            "mock (default: an SQLite file per system and port in the "
                            "user's data directory)")
    serve.add_argument("--seed", type=int, default=None,
                       help="fixture seed (default: the seed of the committed fixtures)")
    serve.add_argument("--reset", action="store_true",
                       help="drop and reseed the databases before serving")
    serve.add_argument("--workers", type=_bounded_int(1, None, "--workers"), default=1,
                       help="worker processes (default 1); they share data, clock and "
                            "rate windows through the database")
    serve.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn",
                       help="gunicorn (default) keeps custom reason phrases; granian is faster")
    serve.add_argument("--no-rate-limits", action="store_true",
                       help="switch the documented rate limits off")
    serve.add_argument("--no-page-cache", action="store_true",
                       help="answer every list request from the database (the cache is "
                            "invalidated by every write, so it never serves stale data)")
    serve.add_argument("--redis", metavar="URL", help="share rate windows through Redis")
    serve.add_argument("--time-zone", default=None,
                       help="server time zone (IANA name) for systems that have one")
    serve.add_argument("--tls", action="store_true",
                       help="serve HTTPS with a certificate for localhost signed by a local CA "
                            "kept in the data directory (printed with how to trust it)")
    serve.add_argument("--tls-name", action="append", default=[], metavar="HOST",
                       help="another host name for the --tls certificate, e.g. the vendor's "
                            "host a client hard-codes (repeatable)")
    serve.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate "
                       "(and chain) instead of a local one; needs --tls-key")
    serve.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    serve.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                       help="let a browser front-end at ORIGIN call the API ('*' for any; "
                            "repeatable); not for systems whose guides forbid it (qses)")
    serve.add_argument("--data", action="append", default=[], metavar="FILE",
                       help="a data file (YAML or JSON) extending or replacing the seeded "
                            "world of the system it names; repeatable; a reset re-applies it")
    serve.add_argument("--admin-token", metavar="TOKEN",
                       help="require this token in X-Apidouble-Admin-Token on the admin "
                            "interface (default: one is made up and printed when --host is "
                            "not loopback; also read from APIDOUBLE_ADMIN_TOKEN)")
    serve.add_argument("--open-admin", action="store_true",
                       help="serve the admin interface without a token even beyond loopback")


def _check_parser(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="run the conformance suite against a base URL")
    check.add_argument("system", help="whose conformance suite to run")
    check.add_argument("--base-url", help="the target's base URL (not needed for "
                       "--list-identities)")
    for option in ("api-key", "token", "username", "password", "client-id", "client-secret"):
        variable = "APIDOUBLE_" + option.upper().replace("-", "_")
        check.add_argument(f"--{option}", help=f"credential (or {variable})")
    check.add_argument("--admin-token", metavar="TOKEN",
                       help="our mock's admin token, when it was served with one "
                            "(or APIDOUBLE_ADMIN_TOKEN)")
    check.add_argument("--identity", action="append", default=[], metavar="NAME=VALUE",
                       help="extra identities some rules need (see `apidouble check SYSTEM "
                            "--list-identities`)")
    check.add_argument("--list-identities", action="store_true",
                       help="list the identities the system's rules may need, and exit")
    check.add_argument("--allow-writes", action="store_true",
                       help="let tests create records (never needed against our own mock)")
    check.add_argument("--report-dir", default="conformance-report",
                       help="where report.json and junit.xml go")
    check.add_argument("-k", dest="keyword", help="pytest -k expression (-k AQ_02: one rule)")
    check.add_argument("-m", dest="markers", help="pytest -m marker expression")
    check.add_argument("-n", dest="workers", default="0",
                       help="parallel test processes (pytest-xdist)")
    check.add_argument("--hypothesis-profile", default="default", choices=("default", "large"),
                       help="how long the generated schema checks run")


def _load_parser(commands: argparse._SubParsersAction) -> None:
    load = commands.add_parser("load", help="run the system's Locust profile headless")
    load.add_argument("system", help="whose Locust profile to run")
    load.add_argument("--base-url", required=True, help="the server to load")
    load.add_argument("--users", type=_bounded_int(1, None, "--users"), default=10,
                      help="simulated users (default 10)")
    load.add_argument("--spawn-rate", type=float, default=2, help="users started per second")
    load.add_argument("--run-time", default="1m", help="how long, e.g. 30s, 2m (default 1m)")
    load.add_argument("--csv", metavar="PREFIX", help="write Locust's CSV statistics")
    load.add_argument("--html", metavar="FILE", help="write Locust's HTML report")
    load.add_argument("--api-key", help="Aliquora API key (default: the mock's demo key)")
    load.add_argument("--username", help="user name, for systems that log in")
    load.add_argument("--password", help="password, for systems that log in")


def _spec_parser(commands: argparse._SubParsersAction) -> None:
    spec = commands.add_parser("spec", help="print or validate a system's OpenAPI document")
    spec.add_argument("system", help="whose OpenAPI document")
    spec.add_argument("--check", action="store_true", help="validate instead of printing")
    spec.add_argument("--data", metavar="FILE",
                      help="a data file: add that installation's payload schemas "
                           "(systems whose data model is user defined, e.g. alisqi)")
    spec.add_argument("--data-schema", action="store_true",
                      help="print the JSON Schema of the system's data files instead")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="apidouble", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    _serve_parser(commands)
    _check_parser(commands)
    _load_parser(commands)
    _spec_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from .commands import serve

        return serve(args)
    if args.command == "check":
        from apidouble.conformance.runner import run_check

        return run_check(args)
    if args.command == "load":
        from apidouble.load.runner import run_load

        return run_load(args)
    from .commands import spec

    return spec(args)


if __name__ == "__main__":
    sys.exit(main())
