"""Secrets: only hashes are stored; demo secrets are derived, never stored.

API keys and tokens are long random strings, so a single SHA-256 is the right
one-way function (it lets the server find a key by its hash with an index);
passwords are low-entropy and get a salted, slow hash (werkzeug's scrypt/PBKDF2).
Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

from werkzeug.security import check_password_hash, generate_password_hash

ALPHABET = string.ascii_letters + string.digits
PASSWORD_METHOD = "pbkdf2:sha256:50000"


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def secret_matches(raw: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(raw), stored_hash)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def password_matches(password: str, stored_hash: str) -> bool:
    return check_password_hash(stored_hash, password)


def derive_secret(seed: int, name: str, length: int = 40, alphabet: str = ALPHABET) -> str:
    """A demo secret: an HMAC of the seed and the credential's name, spelled in ``alphabet``.

    The same seed and name give the same secret on every machine, so ``serve``
    and ``/__admin/credentials`` can print it without the database storing it.
    """
    out: list[str] = []
    counter = 0
    while len(out) < length:
        digest = hmac.new(
            str(seed).encode(), f"{name}:{counter}".encode(), hashlib.sha256
        ).digest()
        usable = 256 - 256 % len(alphabet)  # drop bytes that would bias the spelling
        out.extend(alphabet[byte % len(alphabet)] for byte in digest if byte < usable)
        counter += 1
    return "".join(out[:length])


def random_secret(length: int = 40, alphabet: str = ALPHABET) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


# --- secrets in data files: a stored hash or a plain secret ------------------------------
HASH_PREFIX = "sha256:"
_HEX = frozenset("0123456789abcdef")


def exported_secret(stored_hash: str) -> str:
    """How a stored secret hash is written in a data file: ``sha256:<64 hex>``."""
    return HASH_PREFIX + stored_hash


def is_exported_secret(value: str) -> bool:
    digest = value[len(HASH_PREFIX):]
    return value.startswith(HASH_PREFIX) and len(digest) == 64 and set(digest) <= _HEX


def stored_secret(value: str) -> str:
    """The hash to store for a data file's secret: ``sha256:<hex>`` as is, else hashed."""
    return value[len(HASH_PREFIX):] if is_exported_secret(value) else hash_secret(value)


def is_password_hash(value: str) -> bool:
    """A werkzeug hash (``method$salt$hash``) or Django's unusable password (``!...``)."""
    method = value.split("$", 1)[0]
    return value.startswith("!") or (
        value.count("$") == 2 and method.split(":", 1)[0] in ("pbkdf2", "scrypt"))


def stored_password(value: str) -> str:
    """A data file's password: a stored hash is kept, a plain password is hashed."""
    return value if is_password_hash(value) else hash_password(value)
