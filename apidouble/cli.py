"""The ``apidouble`` command: ``serve``, ``check``, ``load`` and ``spec``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    """A mistake on the command line answers one clear line and exit code 2, no usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _serve_parser(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run mock servers with seeded data")
    serve.add_argument("systems", nargs="*", metavar="SYSTEM",
                       help="systems to serve (default: every implemented system)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--root", action="store_true",
                       help="serve one system at its real paths instead of under /<system>")
    serve.add_argument("--db", metavar="URL",
                       help="SQLAlchemy URL (default: an SQLite file per system in the "
                            "user's data directory)")
    serve.add_argument("--seed", type=int, default=None,
                       help="fixture seed (default: the seed of the committed fixtures)")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn")
    serve.add_argument("--no-rate-limits", action="store_true")
    serve.add_argument("--no-page-cache", action="store_true",
                       help="answer every list request from the database (the cache is "
                            "invalidated by every write, so it never serves stale data)")
    serve.add_argument("--redis", metavar="URL", help="share rate windows through Redis")
    serve.add_argument("--time-zone", default=None,
                       help="server time zone for systems that have one")
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


def _check_parser(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="run the conformance suite against a base URL")
    check.add_argument("system")
    check.add_argument("--base-url", help="the target's base URL (not needed for "
                       "--list-identities)")
    for option in ("api-key", "token", "username", "password", "client-id", "client-secret"):
        check.add_argument(f"--{option}")
    check.add_argument("--identity", action="append", default=[], metavar="NAME=VALUE",
                       help="extra identities some rules need (see `apidouble check SYSTEM "
                            "--list-identities`)")
    check.add_argument("--list-identities", action="store_true",
                       help="list the identities the system's rules may need, and exit")
    check.add_argument("--allow-writes", action="store_true",
                       help="let tests create records (never needed against our own mock)")
    check.add_argument("--report-dir", default="conformance-report")
    check.add_argument("-k", dest="keyword")
    check.add_argument("-m", dest="markers")
    check.add_argument("-n", dest="workers", default="0")
    check.add_argument("--hypothesis-profile", default="default", choices=("default", "large"))


def _load_parser(commands: argparse._SubParsersAction) -> None:
    load = commands.add_parser("load", help="run the system's Locust profile headless")
    load.add_argument("system")
    load.add_argument("--base-url", required=True)
    load.add_argument("--users", type=int, default=10)
    load.add_argument("--spawn-rate", type=float, default=2)
    load.add_argument("--run-time", default="1m")
    load.add_argument("--csv", metavar="PREFIX")
    load.add_argument("--html", metavar="FILE")
    load.add_argument("--api-key")
    load.add_argument("--username")
    load.add_argument("--password")


def _spec_parser(commands: argparse._SubParsersAction) -> None:
    spec = commands.add_parser("spec", help="print or validate a system's OpenAPI document")
    spec.add_argument("system")
    spec.add_argument("--check", action="store_true", help="validate instead of printing")
    spec.add_argument("--data", metavar="FILE",
                      help="a data file: add that installation's payload schemas "
                           "(systems whose data model is user defined, e.g. alisqi)")
    spec.add_argument("--data-schema", action="store_true",
                      help="print the JSON Schema of the system's data files instead")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="apidouble", description=__doc__)
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
