"""The QATrack+ suite's fixtures live in ``fixtures.py``; this file only loads them."""

pytest_plugins = ["apidouble.conformance.qatrack.fixtures"]
