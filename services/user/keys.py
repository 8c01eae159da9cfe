"""The access-token signing key (Ed25519, ``EdDSA``) and the JWKS other services verify with."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.user.settings import UserSettings

DEV_KEY_FILE = Path(__file__).with_name("dev_jwt_key.pem")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class SigningKey:
    def __init__(self, pem: str, previous_jwks: list[dict[str, Any]] | None = None) -> None:
        body = pem[pem.index("-----BEGIN") :] if "-----BEGIN" in pem else pem
        key = serialization.load_pem_private_key(body.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the JWT signing key must be an Ed25519 private key (PEM, PKCS#8)")
        self._key = key
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.kid = _b64(hashlib.sha256(raw).digest()[:12])
        self.public_jwk = {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64(raw),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        }
        self.previous = previous_jwks or []

    @classmethod
    def from_settings(cls, settings: UserSettings) -> SigningKey:
        pem = settings.jwt_private_key or DEV_KEY_FILE.read_text()
        return cls(pem, json.loads(settings.jwt_previous_jwks))

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk, *self.previous]}

    def access_token(
        self, *, user_id: uuid.UUID, role: str, email: str, session_id: str, settings: UserSettings
    ) -> str:
        now = time.time()
        claims = {
            "sub": str(user_id),
            "role": role,
            "email": email,
            "sid": session_id,
            "typ": "access",
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            # to the millisecond: a token issued just after a revocation of the user's
            # earlier tokens (pamtalk.auth.revocation) is not taken for one of them
            "iat": round(now, 3),
            "exp": int(now) + settings.access_token_seconds,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm="EdDSA", headers={"kid": self.kid})
