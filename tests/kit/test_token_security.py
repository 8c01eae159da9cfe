"""Every service verifies access tokens itself: expired, forged, wrong-key, ``alg=none``,
HMAC-signed and refresh-typed tokens are refused with 401 (problem+json)."""

from __future__ import annotations

import base64
import json
import time
import uuid

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, FastAPI

from pamtalk.auth.jwks import JwksVerifier
from pamtalk.auth.revocation import Revocations
from pamtalk.deps import CurrentUser
from pamtalk.errors import install_problem_handlers
from tests.conftest import AUDIENCE, ISSUER, TokenFactory

router = APIRouter()


@router.get("/whoami")
async def whoami(principal: CurrentUser) -> dict[str, str]:
    return {"id": str(principal.id), "role": principal.role}


class _Runtime:
    def __init__(self, verifier: JwksVerifier) -> None:
        self.verifier = verifier
        self.revocations = Revocations()


@pytest.fixture
def client(tokens: TokenFactory) -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    app.state.runtime = _Runtime(JwksVerifier(tokens.fetch, issuer=ISSUER, audience=AUDIENCE))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def _status(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get("/whoami", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
    return response.status_code


async def test_valid_token_is_accepted(client, tokens) -> None:
    uid = uuid.uuid4()
    response = await client.get("/whoami", headers=tokens.headers("farmer", uid))
    assert response.status_code == 200 and response.json() == {"id": str(uid), "role": "farmer"}


async def test_missing_token_is_401(client) -> None:
    assert (await client.get("/whoami")).status_code == 401


async def test_expired_token_is_401(client, tokens) -> None:
    past = int(time.time()) - 3600
    assert await _status(client, tokens(iat=past - 900, exp=past)) == 401


async def test_token_signed_by_another_key_is_401(client, tokens) -> None:
    other = Ed25519PrivateKey.generate()
    claims = jwt.decode(tokens(), options={"verify_signature": False})
    forged = jwt.encode(claims, other, algorithm="EdDSA", headers={"kid": tokens.kid})
    assert await _status(client, forged) == 401


async def test_unknown_kid_is_401(client, tokens) -> None:
    claims = jwt.decode(tokens(), options={"verify_signature": False})
    token = jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": "nobody"})
    assert await _status(client, token) == 401


async def test_alg_none_is_401(client, tokens) -> None:
    claims = jwt.decode(tokens(role="admin"), options={"verify_signature": False})
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': tokens.kid})}.{_b64(claims)}."
    assert await _status(client, unsigned) == 401


async def test_hmac_with_public_key_as_secret_is_401(client, tokens) -> None:
    claims = jwt.decode(tokens(role="admin"), options={"verify_signature": False})
    header = {"alg": "HS256", "typ": "JWT", "kid": tokens.kid}
    body = f"{_b64(header)}.{_b64(claims)}"
    import hashlib
    import hmac

    sig = hmac.new(tokens.jwks["keys"][0]["x"].encode(), body.encode(), hashlib.sha256).digest()
    token = body + "." + base64.urlsafe_b64encode(sig).decode().rstrip("=")
    assert await _status(client, token) == 401


async def test_tampered_payload_is_401(client, tokens) -> None:
    header, _, signature = tokens(role="consumer").split(".")
    claims = jwt.decode(tokens(role="consumer"), options={"verify_signature": False})
    claims["role"] = "admin"
    assert await _status(client, f"{header}.{_b64(claims)}.{signature}") == 401


@pytest.mark.parametrize("claim", [{"aud": "someone-else"}, {"iss": "evil"}, {"typ": "refresh"}])
async def test_wrong_audience_issuer_or_type_is_401(client, tokens, claim) -> None:
    assert await _status(client, tokens(**claim)) == 401


async def test_garbage_is_401(client) -> None:
    assert await _status(client, "not.a.token") == 401


async def test_a_verified_token_stops_working_when_it_expires(client, tokens, monkeypatch) -> None:
    now = int(time.time())
    token = tokens(iat=now, exp=now + 60)
    assert await _status(client, token) == 200  # verified once, then served from the cache
    assert await _status(client, token) == 200
    monkeypatch.setattr("pamtalk.auth.jwks.time.time", lambda: now + 3600)
    assert await _status(client, token) == 401
