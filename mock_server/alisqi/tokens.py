"""API tokens: random secrets of which only a SHA-256 hash is stored (AS-10).

A token without a given secret (the seeded ones, or a data file's that gives
none) gets a demo secret derived from the seed and its name, so ``serve`` and
``/__admin/credentials`` can show it without the database holding it.
"""

from __future__ import annotations

import ipaddress

from ..core.hashing import derive_secret, hash_secret, random_secret

SECRET_LENGTH = 48
HASH_PATTERN = r"^[0-9a-f]{64}$"


def demo_token(seed: int, name: str) -> str:
    return derive_secret(seed, f"alisqi:token:{name}", SECRET_LENGTH)


def new_token() -> str:
    return random_secret(SECRET_LENGTH)


def masked(raw: str) -> str:
    """What the token list shows after creation: the first six characters."""
    return raw[:6] + "..."


def address_allowed(whitelist: list[str], address: str | None) -> bool:
    """An empty whitelist allows every address; entries are addresses or CIDR networks."""
    if not whitelist:
        return True
    try:
        client = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    for entry in whitelist:
        try:
            if client in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def valid_network(entry: object) -> bool:
    if not isinstance(entry, str):
        return False
    try:
        ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
    return True


__all__ = ["address_allowed", "demo_token", "hash_secret", "masked", "new_token",
           "valid_network"]
