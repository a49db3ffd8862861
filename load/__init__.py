"""Locust load profiles, one module per system; helpers live in _-prefixed modules."""
