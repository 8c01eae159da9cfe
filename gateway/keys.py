"""Signing keys of a local platform, made on its first start and kept with its data.

The repository carries development keys so that tests need no set-up, but a platform that
signed with them would accept tokens anyone with the repository can mint. ``make run`` and
``make up`` therefore make their own keys once, in their data folder (``.data/keys/`` and
``.run/keys/``, mode 0600), and hand them to the services through the environment. A key set
in the environment already is left alone; production refuses the development keys anyway.

The ledger key stays for the life of the data: tree heads signed with it must stay
verifiable. Delete the folder only together with the database it signed for.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# environment variable -> file name in the keys folder
KEYS = {
    "PAMTALK_USER_JWT_PRIVATE_KEY": "jwt-signing.pem",
    "PAMTALK_BLOCKCHAIN_LEDGER_SIGNING_KEY": "ledger-signing.pem",
}


def _new_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def local_keys(folder: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The keys of the platform whose data is in ``folder`` (made now if missing), by the
    variable that carries each; variables already set in ``environ`` are not overridden."""
    env = os.environ if environ is None else environ
    keys_dir = folder / "keys"
    found: dict[str, str] = {}
    for variable, name in KEYS.items():
        if env.get(variable):
            continue
        path = keys_dir / name
        if not path.exists():
            keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another start made it meanwhile
                pass
            else:
                with os.fdopen(descriptor, "wb") as out:
                    out.write(_new_key_pem())
        found[variable] = path.read_text(encoding="ascii")
    return found
