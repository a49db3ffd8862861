"""API keys: ``lk_`` + 40 random characters; only a SHA-256 hash is stored (AQ-04)."""

from __future__ import annotations

from ..core.deviations import deviation_on
from ..core.hashing import derive_secret, hash_secret, random_secret

PREFIX = "lk_"
SECRET_LENGTH = 40


def demo_key(seed: int, name: str) -> str:
    """The plaintext of a fixture key: derived from the seed and the key's name."""
    return PREFIX + derive_secret(seed, f"aliquora:key:{name}", SECRET_LENGTH)


def new_key() -> str:
    return PREFIX + random_secret(SECRET_LENGTH)


def masked(raw: str) -> str:
    """``lk_`` + 8 characters + ``...``: all that is ever shown after creation."""
    return raw[: len(PREFIX) + (12 if deviation_on("AQ-04") else 8)] + "..."


def stored_fields(raw: str) -> dict[str, str]:
    return {"key_hash": hash_secret(raw), "key_prefix": masked(raw)}
