"""Serving: one system at its real paths, or several under ``/<system>`` on one port.

gunicorn is the default server because it passes custom HTTP reason phrases
through (QS Enrolment's 429 needs them); granian is the fast option where
reason phrases don't matter. Both run the same WSGI app. The databases are
prepared (created and seeded) once in the parent process, before any worker
starts, so workers never race to seed; what goes wrong there (an unreachable
or unwritable database, a missing driver, data made by another version or
seed) is said in one line, never with a traceback.

Both servers bound the request line and headers well above any legitimate
request (a 1,500-term Alemba ``$filter`` still reaches the app and gets its own
400), and the body at ``Config.max_body_bytes`` (refused in the system's format).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.adminguard import ADMIN_PREFIX
from .core.config import Config
from .systems import SYSTEMS, create_app, profile

if TYPE_CHECKING:
    from flask import Flask

    from .core.app import Core

ENV_VAR = "APIDOUBLE_SERVE"
DATA_ERROR = 2  #: ``prepare_elsewhere``'s exit status when a data file does not apply
MAX_REQUEST_LINE = 256 * 1024  # bytes: method, path, query and version
MAX_HEADER_FIELD = 64 * 1024  # bytes of one header line
MAX_HEADER_FIELDS = 200


@dataclass(frozen=True)
class ServeOptions:
    systems: tuple[str, ...] = field(default_factory=lambda: tuple(SYSTEMS))
    root: bool = False
    config: Config = field(default_factory=Config)
    #: HTTPS: the server certificate (with its chain) and key, PEM files
    tls_cert: str | None = None
    tls_key: str | None = None
    #: drop and reseed the databases before serving (prepare only; workers never reset)
    reset: bool = False

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert else "http"

    def to_env(self) -> str:
        return json.dumps({"systems": list(self.systems), "root": self.root,
                           "config": asdict(self.config), "tls_cert": self.tls_cert,
                           "tls_key": self.tls_key, "reset": self.reset})

    @classmethod
    def from_env(cls, text: str) -> ServeOptions:
        data = json.loads(text)
        config = data["config"]
        config["cors_origins"] = tuple(config.get("cors_origins", ()))
        return cls(tuple(data["systems"]), data["root"], Config(**config),
                   tls_cert=data.get("tls_cert"), tls_key=data.get("tls_key"),
                   reset=data.get("reset", False))


GUNICORN_THREADS = 8  # request threads per worker (granian is given as many)
M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
MALLOC_ARENAS = 2


def limit_malloc_arenas() -> None:
    """At most two glibc malloc arenas in a serving worker.

    glibc gives every thread that allocates its own arena (up to eight per
    core), and a threaded worker's arenas each keep freed pages of large
    responses; under load that alone grew a worker by tens of megabytes.
    ``MALLOC_ARENA_MAX`` cannot help here (a worker is forked after malloc
    started), so the worker sets it itself before its threads start. Elsewhere
    than glibc this does nothing.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(name).mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):  # not glibc
        return


def freeze_startup_objects() -> None:
    """Leave what the worker built at startup out of the garbage collector's full passes.

    A full collection (generation 2) walks every tracked object, and a worker
    holds some 100,000 from startup alone (the apps, their tables and compiled
    statements, the libraries). Each full pass took 35-60 ms, with the GIL held,
    so every request of the worker waited that long; AlisQI's mix, whose decoded
    results churn through a cache, ran one every 250 requests or so
    (``python -m apidouble.load.bench.profile_mix``, timed with ``gc.callbacks``).
    Frozen, the same passes take 2-4 ms. The startup objects live as long as the
    worker, so nothing collectable is lost; garbage made at startup is collected
    first.
    """
    gc.collect()
    gc.freeze()


def combined_app(options: ServeOptions) -> Any:
    """The WSGI app for ``options``: one system at the root, or every system under its name."""
    limit_malloc_arenas()
    app: Any
    if options.root:
        (system,) = options.systems
        app = create_app(system, options.config)
    else:
        from werkzeug.middleware.dispatcher import DispatcherMiddleware

        mounts: dict[str, Any] = {f"/{name}": create_app(name, options.config)
                                  for name in options.systems}
        app = DispatcherMiddleware(_index_app(options.systems), mounts)
    freeze_startup_objects()
    return app


def _index_app(systems: Iterable[str]) -> Flask:
    from flask import Flask

    from .core.envelopes import json_response

    index = Flask("apidouble.index")
    names = list(systems)

    @index.route("/", defaults={"path": ""})
    @index.route("/<path:path>")
    def listing(path: str) -> Any:
        body = {"systems": {name: f"/{name}" for name in names},
                "admin": {name: f"/{name}{ADMIN_PREFIX}/" for name in names}}
        return json_response(body, 200 if not path else 404)

    return index


def wsgi_from_env() -> Any:
    """Factory for server workers: options travel in an environment variable."""
    return combined_app(ServeOptions.from_env(os.environ[ENV_VAR]))


def prepare(options: ServeOptions) -> list[tuple[str, Core]]:
    """Create and seed every database once, in this process; return each system's core."""
    cores = []
    for name in options.systems:
        if options.reset:
            app = create_app(name, options.config.with_(seed_on_start=False))
            app.extensions["apidouble"].storage.drop_all()
            app.extensions["apidouble"].ensure_seeded()
        else:
            app = create_app(name, options.config)
        cores.append((name, app.extensions["apidouble"]))
    if options.config.redis_url:
        cores[0][1].limiter.store.ping()  # type: ignore[attr-defined]
    return cores


def prepare_elsewhere(options: ServeOptions, host: str, port: int) -> int:
    """Prepare the databases in a short-lived child process and print what it describes.

    The server's master process then never imports the apps, so it stays small;
    only the workers, which serve, carry them.
    """
    # -P: never import from the current directory, where a checkout's own
    # ``apidouble/`` folder would shadow the installed package.
    return subprocess.run(
        [sys.executable, "-P", "-m", "apidouble.mock_server.serve", options.to_env(), host,
         str(port)],
        check=False,
    ).returncode


def describe(options: ServeOptions, host: str, port: int, cores: list[tuple[str, Core]]) -> str:
    lines = []
    for name, core in cores:
        base = f"{options.scheme}://{host}:{port}" + ("" if options.root else f"/{name}")
        lines.append(f"{profile(name).title}: {base}   (admin: {base}{ADMIN_PREFIX}/)")
        if core.profile.banner is not None:
            lines.extend(core.profile.banner(core))
    return "\n".join(lines)


def gunicorn_settings(host: str, port: int, workers: int,
                      tls: tuple[str, str] | None = None) -> dict[str, Any]:
    """How ``serve`` runs gunicorn (the benchmark's bare app uses the very same)."""
    certificate = {"certfile": tls[0], "keyfile": tls[1]} if tls else {}
    return {
        **certificate,
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": GUNICORN_THREADS,
        # Each worker listens on its own SO_REUSEPORT socket, so the kernel spreads
        # connections evenly (gunicorn >= 24). On one shared socket the worker that
        # wins the accept races keeps its kept-alive clients: with 16 connections
        # the bench measured 202 performs/s and 298 Alemba searches/s, against 293
        # and 771 with this. ``serve`` still refuses a port in use
        # (``check_port_free`` binds without the flag).
        "reuse_port": workers > 1,
        "keepalive": 5,
        "accesslog": None,
        # Long query strings reach the app (and its JSON errors), not a bare HTML 414;
        # beyond these bounds gunicorn refuses the request itself.
        "limit_request_line": MAX_REQUEST_LINE,
        "limit_request_field_size": MAX_HEADER_FIELD,
        "limit_request_fields": MAX_HEADER_FIELDS,
    }


def _lift_gunicorn_line_cap() -> None:
    """gunicorn caps ``limit_request_line`` at 8190 bytes unless it is 0 (unlimited).

    Unlimited would let one client grow a worker's buffer without bound, and
    8190 bytes is too little for long filters; the cap is a module constant
    read when each request is parsed, so it is raised to our own bound.
    """
    from gunicorn.http import message

    message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, MAX_REQUEST_LINE)


def run_wsgi_with_gunicorn(load: Callable[[], Any], host: str, port: int, workers: int,
                           tls: tuple[str, str] | None = None) -> None:
    """Run gunicorn in this process; each worker builds its app with ``load()``."""
    from gunicorn.app.base import BaseApplication

    _lift_gunicorn_line_cap()

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in gunicorn_settings(host, port, workers, tls).items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return load()

    Application().run()


def _tls_pair(options: ServeOptions) -> tuple[str, str] | None:
    return (options.tls_cert, options.tls_key) if options.tls_cert and options.tls_key else None


def run_gunicorn(options: ServeOptions, host: str, port: int, workers: int) -> None:
    run_wsgi_with_gunicorn(lambda: combined_app(options), host, port, workers,
                           _tls_pair(options))


def run_granian(options: ServeOptions, host: str, port: int, workers: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    os.environ[ENV_VAR] = options.to_env()
    tls = _tls_pair(options)
    certificate: dict[str, Any] = (
        {"ssl_cert": Path(tls[0]), "ssl_key": Path(tls[1])} if tls else {})
    Granian(
        "apidouble.mock_server.serve:wsgi_from_env",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        factory=True,
        log_access=False,
        # as many request threads per worker as gunicorn's (gunicorn_settings); granian's
        # own default grows to dozens under load, each thread's memory kept for a while
        blocking_threads=GUNICORN_THREADS,
        **certificate,
        # the request line and headers are buffered whole: the same bounds as gunicorn's
        http1_settings=HTTP1Settings(max_buffer_size=MAX_REQUEST_LINE + 2 * MAX_HEADER_FIELD),
    ).serve()


def prepare_main(argv: list[str]) -> int:
    """``prepare_elsewhere``'s child: seed, print the banner; one line on failure."""
    from .core.datafile import DataFileError

    options = ServeOptions.from_env(argv[1])
    try:
        cores = prepare(options)
    except DataFileError as error:
        print(f"apidouble: {error}", file=sys.stderr, flush=True)
        return DATA_ERROR
    except Exception as error:  # noqa: BLE001 - every failure becomes one line
        from .startup import explain

        print(f"apidouble: {explain(error, options.config)}", file=sys.stderr, flush=True)
        return 1
    print(describe(options, argv[2], int(argv[3]), cores), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(prepare_main(sys.argv))
