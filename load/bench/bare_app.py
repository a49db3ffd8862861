"""The benchmark's baseline: a bare Flask app answering with the mock's own pages.

With ``--answers FILE`` (what ``python -m apidouble.load.bench`` uses) it
answers any URL it holds with the exact bytes and Content-Type the mock sent
for it (``{"<decoded path>?<raw query>": {"type", "body" (base64)}}``, see
``suite.bare_key``): nothing is serialised per request, so it is the floor of
a Flask app under that server, whatever the system and however the URLs rotate.

With ``--records FILE`` (the older per-system benchmarks):

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
import base64
import json
import os
from typing import Any

from flask import Flask, request
from flask.wrappers import Response

from apidouble.mock_server.core.envelopes import json_response

RECORDS_ENV = "APIDOUBLE_BENCH_RECORDS"
ANSWERS_ENV = "APIDOUBLE_BENCH_ANSWERS"
FACTORY = "apidouble.load.bench.bare_app:app_from_env"


def create_app(page: dict[str, Any]) -> Flask:
    app = Flask("apidouble.bench.bare")

    @app.get("/api/v1/samples")
    def list_samples() -> Response:
        return json_response(page, 200)

    return app


def create_answering_app(answers: dict[str, dict[str, str]]) -> Flask:
    """Every captured URL answered with its captured bytes; 404 for anything else."""
    app = Flask("apidouble.bench.bare")
    held = {key: (base64.b64decode(answer["body"]), answer["type"])
            for key, answer in answers.items()}

    @app.get("/<path:_path>")
    def answer(_path: str) -> Response:
        environ = request.environ
        found = held.get(environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", ""))
        if found is None:
            return Response(b"{}", 404, content_type="application/json")
        return Response(found[0], 200, content_type=found[1])

    return app


def app_from_env() -> Flask:
    """Factory for server workers: the page's file travels in ``APIDOUBLE_BENCH_RECORDS``,
    or the answers' file in ``APIDOUBLE_BENCH_ANSWERS``."""
    if os.environ.get(ANSWERS_ENV):
        with open(os.environ[ANSWERS_ENV], encoding="utf-8") as file:
            return create_answering_app(json.load(file))
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
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--records", help="JSON file: the page to serve")
    source.add_argument("--answers", help="JSON file: captured answers by URL")
    parser.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.answers:
        os.environ[ANSWERS_ENV] = os.path.abspath(args.answers)
    else:
        os.environ[RECORDS_ENV] = os.path.abspath(args.records)
    runner = run_granian if args.server == "granian" else run_gunicorn
    runner(args.host, args.port, args.workers)


if __name__ == "__main__":
    main()
