"""The QATrack+ suite's fixtures live in ``fixtures.py``; this file only loads them."""

from __future__ import annotations

import pytest

pytest_plugins = ["apidouble.conformance.qatrack.fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    # Registered by the plugin once it knows the marker; harmless to repeat.
    config.addinivalue_line(
        "markers", "generated: the verdict comes from generated (Schemathesis) requests")
