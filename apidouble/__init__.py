"""apidouble: mock servers, OpenAPI specs, conformance suites and load profiles."""

__version__ = "0.1.0"
