"""``apidouble serve`` and ``apidouble spec``."""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import socket
import sys
from dataclasses import replace
from importlib import resources

import yaml

from apidouble.mock_server.core.config import Config, default_data_dir
from apidouble.mock_server.serve import (
    DATA_ERROR,
    ServeOptions,
    prepare_elsewhere,
    run_granian,
    run_gunicorn,
)
from apidouble.mock_server.systems import SYSTEMS
from apidouble.mock_server.tls import TlsFiles, given_certificate, local_certificate

ADMIN_TOKEN_ENV = "APIDOUBLE_ADMIN_TOKEN"


class UsageError(Exception):
    """A serve option that cannot work; ``str()`` is the one-line message."""


def serve(args: argparse.Namespace) -> int:
    try:
        options, token = serve_options(args)
        check_port_free(args.host, args.port)
        tls = tls_files(args)
    except (UsageError, ValueError) as error:
        print(f"apidouble: {error}", file=sys.stderr)
        return 2
    if tls is not None:
        options = replace(options, tls_cert=str(tls.cert), tls_key=str(tls.key))
        print("\n".join(tls.trust_hint()), flush=True)
    prepared = prepare_elsewhere(options, args.host, args.port)
    if prepared == DATA_ERROR:
        return 2  # the child printed the data file's error, in one line
    if prepared != 0:
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
    problem = check_data_files(args.data, systems)
    if problem:
        raise UsageError(problem)
    token = admin_token(args)
    extra: dict[str, object] = {"time_zone": args.time_zone} if args.time_zone else {}
    if args.seed is not None:
        extra["seed"] = args.seed
    if not args.db:
        # one default database per port: two instances never share data unless told to
        extra["data_dir"] = str(default_data_dir() / f"port-{args.port}")
    config = Config(db_url=args.db, rate_limits=not args.no_rate_limits,
                    page_cache=not args.no_page_cache, redis_url=args.redis,
                    admin_token=token, cors_origins=tuple(args.cors),
                    data_files=tuple(args.data), **extra)  # type: ignore[arg-type]
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


def tls_files(args: argparse.Namespace) -> TlsFiles | None:
    """The certificate ``serve`` should use, or None for plain HTTP."""
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ValueError("--tls-cert and --tls-key go together")
    if args.tls_cert:
        return given_certificate(args.tls_cert, args.tls_key)
    if args.tls or args.tls_name:
        return local_certificate(default_data_dir() / "tls", tuple(args.tls_name))
    return None


def check_data_files(paths: list[str], systems: tuple[str, ...]) -> str | None:
    """The first problem of the ``--data`` files (``FILE:LINE: path: message``), if any."""
    if not paths:
        return None  # the server's master process stays without SQLAlchemy and jsonschema
    from apidouble.mock_server.core.datafile import DataFileError, check_section, read_file
    from apidouble.mock_server.systems import profile

    for path in paths:
        try:
            document = read_file(path)
            if document.system not in systems:
                raise document.error(["system"], f"{document.system!r} is not served "
                                                 f"(serving: {', '.join(systems)})")
            check_section(document, profile(document.system))
        except DataFileError as error:
            return str(error)
    return None


def spec_text(system: str) -> str:
    return resources.files("apidouble.spec").joinpath(f"{system}.yaml").read_text("utf-8")


def spec_for_data(system: str, text: str, path: str) -> str:
    """The spec with one installation's payload schemas, for systems that offer it."""
    from importlib import import_module

    module = import_module(SYSTEMS[system])
    if not hasattr(module, "installation_spec"):
        raise ValueError(f"{system} has no installation-specific spec")
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        raise ValueError(f"{path}: not a data file")
    section = document.get(system, document) if "system" in document else document
    return yaml.safe_dump(module.installation_spec(yaml.safe_load(text), section),
                          sort_keys=False, allow_unicode=True)


def data_schema_text(system: str) -> str:
    """The shipped JSON Schema of ``system``'s data files (``spec/data/``)."""
    return resources.files("apidouble.spec").joinpath(f"data/{system}.schema.json") \
        .read_text("utf-8")


def spec(args: argparse.Namespace) -> int:
    if args.data_schema:
        try:
            sys.stdout.write(data_schema_text(args.system))
        except FileNotFoundError:
            print(f"apidouble: no data file schema for {args.system!r}", file=sys.stderr)
            return 2
        return 0
    try:
        text = spec_text(args.system)
    except FileNotFoundError:
        print(f"apidouble: no spec for {args.system!r}", file=sys.stderr)
        return 2
    if getattr(args, "data", None):
        try:
            text = spec_for_data(args.system, text, args.data)
        except (OSError, ValueError, KeyError, yaml.YAMLError) as error:
            print(f"apidouble: {error}", file=sys.stderr)
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
