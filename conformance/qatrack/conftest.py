"""The QATrack+ suite's fixtures live in ``fixtures.py``; this file only loads them."""

from __future__ import annotations

pytest_plugins = ["apidouble.conformance.qatrack.fixtures"]

