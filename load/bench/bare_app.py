"""The benchmark's baseline: a bare Flask app answering with the mock's own page of samples.

It holds the page (``{data, nextCursor, hasMore}``, 50 samples) that the mock
served, loaded once at start from a JSON file, and serialises it on every
request with the mock's own ``json_response`` (stdlib ``json.dumps``). No
auth, no database, no request log: what is left is the server, Flask and the
encoder, the floor any mock's request path sits on.

    python -m apidouble.load.bench.bare_app --records page.json --server granian --port 8001

runs it exactly as ``apidouble serve`` runs the mock (``mock_server/serve.py``):
gunicorn with gthread workers (8 threads, keep-alive 5 s, no access log), or
granian's WSGI interface with a factory target string.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from flask import Flask
from flask.wrappers import Response

from apidouble.mock_server.core.envelopes import json_response

RECORDS_ENV = "APIDOUBLE_BENCH_RECORDS"
FACTORY = "apidouble.load.bench.bare_app:app_from_env"


def create_app(page: dict[str, Any]) -> Flask:
    app = Flask("apidouble.bench.bare")

    @app.get("/api/v1/samples")
    def list_samples() -> Response:
        return json_response(page, 200)

    return app


def app_from_env() -> Flask:
    """Factory for server workers: the page's file travels in ``APIDOUBLE_BENCH_RECORDS``."""
    with open(os.environ[RECORDS_ENV], encoding="utf-8") as file:
        return create_app(json.load(file))


def run_gunicorn(host: str, port: int, workers: int) -> None:
    """gunicorn exactly as ``apidouble serve`` runs it, so the comparison is fair."""
    from apidouble.mock_server.serve import run_wsgi_with_gunicorn

    run_wsgi_with_gunicorn(app_from_env, host, port, workers)


def run_granian(host: str, port: int, workers: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    Granian(FACTORY, address=host, port=port, interface=Interfaces.WSGI, workers=workers,
            factory=True, log_access=False).serve()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", required=True, help="JSON file: the page to serve")
    parser.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ[RECORDS_ENV] = os.path.abspath(args.records)
    runner = run_granian if args.server == "granian" else run_gunicorn
    runner(args.host, args.port, args.workers)


if __name__ == "__main__":
    main()
