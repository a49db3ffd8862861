"""Benchmarks of the mocks against a bare Flask app serving the same bytes."""
