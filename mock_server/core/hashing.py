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
