"""``apidouble serve`` and ``apidouble spec``."""

from __future__ import annotations

import argparse
import sys
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


def serve(args: argparse.Namespace) -> int:
    systems = tuple(args.systems) or tuple(SYSTEMS)
    unknown = [name for name in systems if name not in SYSTEMS]
    if unknown:
        print(f"apidouble: unknown system(s): {', '.join(unknown)}; "
              f"implemented: {', '.join(SYSTEMS)}", file=sys.stderr)
        return 2
    if args.root and len(systems) != 1:
        print("apidouble: --root serves exactly one system", file=sys.stderr)
        return 2
    problem = check_data_files(args.data, systems)
    if problem:
        print(f"apidouble: {problem}", file=sys.stderr)
        return 2
    extra: dict[str, object] = {"time_zone": args.time_zone} if args.time_zone else {}
    if args.seed is not None:
        extra["seed"] = args.seed
    config = Config(db_url=args.db, rate_limits=not args.no_rate_limits,
                    page_cache=not args.no_page_cache,
                    redis_url=args.redis, cors_origins=tuple(args.cors),
                    data_files=tuple(args.data), **extra)
    try:
        tls = tls_files(args)
    except ValueError as error:
        print(f"apidouble: {error}", file=sys.stderr)
        return 2
    options = ServeOptions(systems, args.root, config,
                           str(tls.cert) if tls else None, str(tls.key) if tls else None)
    if tls is not None:
        print("\n".join(tls.trust_hint()), flush=True)
    prepared = prepare_elsewhere(options, args.host, args.port)
    if prepared == DATA_ERROR:
        return 2  # the child printed the data file's error
    if prepared != 0:
        print("apidouble: preparing the databases failed", file=sys.stderr)
        return 1
    runner = run_granian if args.server == "granian" else run_gunicorn
    runner(options, args.host, args.port, args.workers)
    return 0


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
