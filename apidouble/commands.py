"""``apidouble serve`` and ``apidouble spec``."""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import socket
import sys
from importlib import resources

import yaml

from apidouble.mock_server.core.config import Config, default_data_dir
from apidouble.mock_server.serve import (
    ServeOptions,
    prepare_elsewhere,
    run_granian,
    run_gunicorn,
)
from apidouble.mock_server.systems import SYSTEMS

ADMIN_TOKEN_ENV = "APIDOUBLE_ADMIN_TOKEN"


class UsageError(Exception):
    """A serve option that cannot work; ``str()`` is the one-line message."""


def serve(args: argparse.Namespace) -> int:
    try:
        options, token = serve_options(args)
        check_port_free(args.host, args.port)
    except UsageError as error:
        print(f"apidouble: {error}", file=sys.stderr)
        return 2
    if prepare_elsewhere(options, args.host, args.port) != 0:
        return 1  # the child has said why, in one line
    if token is not None:
        print(f"Admin token (send it as X-Apidouble-Admin-Token): {token}", flush=True)
    runner = run_granian if args.server == "granian" else run_gunicorn
    runner(options, args.host, args.port, args.workers)
    return 0


def serve_options(args: argparse.Namespace) -> tuple[ServeOptions, str | None]:
    systems = tuple(args.systems) or tuple(SYSTEMS)
    unknown = [name for name in systems if name not in SYSTEMS]
    if unknown:
        raise UsageError(f"unknown system(s): {', '.join(unknown)}; "
                         f"implemented: {', '.join(SYSTEMS)}")
    if args.root and len(systems) != 1:
        raise UsageError("--root serves exactly one system")
    check_time_zone(args.time_zone)
    token = admin_token(args)
    extra: dict[str, object] = {"time_zone": args.time_zone} if args.time_zone else {}
    if args.seed is not None:
        extra["seed"] = args.seed
    if not args.db:
        # one default database per port: two instances never share data unless told to
        extra["data_dir"] = str(default_data_dir() / f"port-{args.port}")
    config = Config(db_url=args.db, rate_limits=not args.no_rate_limits,
                    page_cache=not args.no_page_cache, redis_url=args.redis,
                    admin_token=token, **extra)  # type: ignore[arg-type]
    return ServeOptions(systems, args.root, config, reset=args.reset), token


def admin_token(args: argparse.Namespace) -> str | None:
    """The token the admin interface requires: given, or made up beyond loopback."""
    given = args.admin_token or os.environ.get(ADMIN_TOKEN_ENV) or None
    if args.open_admin:
        if args.admin_token:
            raise UsageError("--open-admin and --admin-token contradict each other")
        return None
    if given is not None or is_loopback(args.host):
        return given
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_time_zone(name: str | None) -> None:
    if name is None:
        return
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        raise UsageError(f"unknown --time-zone {name!r} (an IANA name such as "
                         "Europe/Amsterdam or UTC)") from None


def check_port_free(host: str, port: int) -> None:
    """Fail before anything is printed when the server could not bind."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UsageError(f"cannot resolve --host {host!r}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def spec_text(system: str) -> str:
    return resources.files("apidouble.spec").joinpath(f"{system}.yaml").read_text("utf-8")


def spec(args: argparse.Namespace) -> int:
    try:
        text = spec_text(args.system)
    except FileNotFoundError:
        print(f"apidouble: no spec for {args.system!r}", file=sys.stderr)
        return 2
    if not args.check:
        sys.stdout.write(text)
        return 0
    from openapi_spec_validator import validate

    try:
        validate(yaml.safe_load(text))
    except Exception as error:  # the validator raises several exception types
        print(f"{args.system}: INVALID: {error}", file=sys.stderr)
        return 1
    print(f"{args.system}: valid OpenAPI {yaml.safe_load(text)['openapi']}")
    return 0
