"""Certificates for ``serve --tls``: a local CA, kept, and a server certificate it signs.

The CA is made once and kept in the data directory, so a user trusts it once
(in the system store, ``REQUESTS_CA_BUNDLE``, ``curl --cacert``, Node's
``NODE_EXTRA_CA_CERTS``) and every later certificate, for ``localhost`` and for
any vendor host name given with ``--tls-name``, is trusted with it. trustme makes
the keys; nothing leaves the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class TlsFiles:
    cert: Path  # the server certificate and its chain, PEM
    key: Path  # its private key, PEM
    ca: Path | None  # the CA to trust; None when the user brought their own certificate

    def trust_hint(self) -> list[str]:
        if self.ca is None:
            return []
        return [
            f"  TLS: trust the local CA {self.ca}",
            f"    curl --cacert {self.ca} ...   |   export REQUESTS_CA_BUNDLE={self.ca}"
            f"   |   export NODE_EXTRA_CA_CERTS={self.ca}",
            f"    system-wide (Debian): cp {self.ca} /usr/local/share/ca-certificates/"
            "apidouble-ca.crt && update-ca-certificates",
        ]


def local_certificate(directory: Path, names: tuple[str, ...] = ()) -> TlsFiles:
    """A certificate for localhost and ``names``, signed by the CA kept in ``directory``."""
    import trustme

    directory.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = directory / "ca.pem", directory / "ca.key"
    if ca_cert.exists() and ca_key.exists():
        ca = trustme.CA.from_pem(ca_cert.read_bytes(), ca_key.read_bytes())
    else:
        ca = trustme.CA(organization_name="apidouble local CA")
        ca.cert_pem.write_to_path(str(ca_cert))
        ca.private_key_pem.write_to_path(str(ca_key))
        ca_key.chmod(0o600)
    wanted = tuple(dict.fromkeys((*LOCAL_NAMES, *names)))
    issued = ca.issue_cert(*wanted)
    cert, key = directory / "server.pem", directory / "server.key"
    for blob, path in ((b"".join(b.bytes() for b in issued.cert_chain_pems), cert),
                       (issued.private_key_pem.bytes(), key)):
        path.write_bytes(blob)
    key.chmod(0o600)
    return TlsFiles(cert, key, ca_cert)


def given_certificate(cert: str, key: str) -> TlsFiles:
    for path in (cert, key):
        if not Path(path).is_file():
            raise ValueError(f"no such file: {path}")
    return TlsFiles(Path(cert), Path(key), None)
