"""The Alemba suite's fixtures live in ``_fixtures.py``; the ``target`` comes from the plugin."""

pytest_plugins = ("apidouble.conformance.alemba._fixtures",)
