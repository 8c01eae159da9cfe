"""Real nginx, rendered from the route table, in front of stand-in services."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable

import httpx
import pytest

from gateway import nginx_proc
from gateway.routes import ROUTES
from tests.gateway.conftest import Backends, Gateway, free_port
from tests.raw_http import FORBIDDEN_IN_HEADERS, assert_unreadable, idempotent_post, send_raw

ORIGIN = "capacitor://localhost"


def _echo(response: httpx.Response) -> dict[str, object]:
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def test_each_route_reaches_its_service(gateway: Gateway, backends: Backends) -> None:
    with gateway.client() as client:
        for route in ROUTES:
            path = route.prefix.rstrip("/") + "/probe"
            echo = _echo(client.get(path, params={"cc": "no-store"}))
            assert echo["service"] == route.service, path
            assert echo["port"] in backends.ports[route.service]
            assert echo["path"] == path
        assert client.get("/nothing/here").status_code == 404


def test_farm_replicas_share_the_load(gateway: Gateway, backends: Backends) -> None:
    with gateway.client() as client:
        ports = {_echo(client.post("/api/v1/farms"))["port"] for _ in range(6)}
    assert ports == set(backends.ports["farm"])


def _logged(gateway: Gateway, wanted: Callable[[dict[str, object]], bool]) -> dict[str, object]:
    """The access log entry ``wanted`` picks. nginx logs after the answer is sent, and with
    ``reuseport`` another worker may log a later request first: wait a little for it."""
    for _ in range(50):
        for line in gateway.access_log().splitlines():
            if line.strip() and wanted(entry := json.loads(line)):
                return entry
        time.sleep(0.05)
    raise AssertionError("no such access log entry")


def test_request_id_is_generated_or_forwarded(gateway: Gateway) -> None:
    with gateway.client() as client:
        made = client.get("/api/v1/users/me")
        rid = made.headers["x-request-id"]
        assert len(rid) == 32 and rid != "from-the-service"
        assert _echo(made)["headers"]["x-request-id"] == rid  # type: ignore[index]
        given = client.get("/api/v1/users/me", headers={"X-Request-ID": "abc-123"})
        assert given.headers.get_list("x-request-id") == ["abc-123"]
        assert _echo(given)["headers"]["x-request-id"] == "abc-123"  # type: ignore[index]
        bad = client.get("/api/v1/users/me", headers={"X-Request-ID": "no spaces<>"})
        assert bad.headers["x-request-id"] != "no spaces<>"
    entry = _logged(gateway, lambda e: e["request_id"] == "abc-123")
    assert entry["upstream_response_time"]


def test_auth_zone_answers_429_past_its_rate(start_gateway: Callable[..., Gateway]) -> None:
    gateway = start_gateway(auth_rate="1r/m", auth_burst=2)
    with gateway.client() as client:
        codes = [client.post("/api/v1/auth/login").status_code for _ in range(5)]
        limited = client.post("/api/v1/auth/login")
        assert client.get("/api/v1/farms").status_code == 200  # the api zone is separate
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["status"] == 429 and limited.headers["retry-after"] == "1"


def test_get_moves_to_the_next_replica_post_does_not(
    start_gateway: Callable[..., Gateway], backends: Backends
) -> None:
    down = free_port()  # nothing listens: connection refused
    # farm: a healthy replica, one that closes connections unanswered, one that is down.
    ports = {"farm": (backends.broken, backends.spare)}
    gateway = start_gateway(upstream_ports=ports)
    with gateway.client() as client:
        posts = [client.post("/api/v1/farms", content=b"{}").status_code for _ in range(2)]
    assert sorted(posts) == [200, 502]  # the POST that reached the broken replica is not re-sent
    gateway = start_gateway(upstream_ports=ports)
    with gateway.client() as client:
        gets = [client.get("/api/v1/farms", params={"cc": "no-store", "n": i}) for i in range(4)]
    assert [r.status_code for r in gets] == [200] * 4
    assert {r.json()["port"] for r in gets} == {backends.spare}
    gateway = start_gateway(upstream_ports={"farm": (down, backends.spare)})
    with gateway.client() as client:
        # Refused before anything was sent: safe to try the next replica for any method.
        assert [client.post("/api/v1/farms").status_code for _ in range(2)] == [200, 200]


def test_gzip_for_json(gateway: Gateway) -> None:
    with httpx.Client(base_url=gateway.url) as client:
        response = client.get("/api/v1/users/x", params={"pad": 2000}, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["headers"].get("accept-encoding") is None  # the gateway compresses
    raw = httpx.get(gateway.url + "/api/v1/users/x?pad=2000", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and len(gzip.compress(raw.content)) < len(raw.content)


def test_security_headers(gateway: Gateway) -> None:
    response = httpx.get(gateway.url + "/api/v1/users/x")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "strict-transport-security" not in response.headers  # plain HTTP
    assert "server" not in response.headers or "/" not in response.headers["server"]


def test_a_client_cannot_claim_tls_only_a_trusted_proxy_can(start_gateway: Callable[..., Gateway]) -> None:
    """X-Forwarded-Proto reaches the services (and sets HSTS) as the gateway knows it: its own
    scheme, or what a trusted proxy in front says; a client's own header is ignored."""
    claims = {"X-Forwarded-Proto": "https"}
    for trusted, believed in (((), False), (("10.0.0.0/8",), False), (("127.0.0.1/32",), True)):
        gateway = start_gateway(trusted_proxies=trusted)
        response = httpx.get(gateway.url + "/api/v1/users/x", headers=claims)
        seen = _echo(response)["headers"]["x-forwarded-proto"]  # type: ignore[index]
        assert seen == ("https" if believed else "http"), trusted
        assert ("strict-transport-security" in response.headers) is believed, trusted
        bogus = httpx.get(gateway.url + "/api/v1/users/x", headers={"X-Forwarded-Proto": "gopher"})
        assert _echo(bogus)["headers"]["x-forwarded-proto"] == "http"  # type: ignore[index]


def test_cors_preflight_and_simple_requests(gateway: Gateway) -> None:
    preflight_headers = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    with gateway.client() as client:
        preflight = client.options("/api/v1/transactions", headers=preflight_headers)
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == ORIGIN
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert "Idempotency-Key" in preflight.headers["access-control-allow-headers"]
        simple = client.get("/api/v1/transactions", headers={"Origin": ORIGIN})
        assert simple.headers["access-control-allow-origin"] == ORIGIN
        assert "X-Request-ID" in simple.headers["access-control-expose-headers"]
        assert "access-control-allow-methods" not in simple.headers
        stranger = client.options(
            "/api/v1/transactions", headers={**preflight_headers, "Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in stranger.headers


def test_extra_cors_origin_by_option(start_gateway: Callable[..., Gateway]) -> None:
    gateway = start_gateway(cors_origins=("https://app.pamtalk.kr",))
    response = httpx.get(
        gateway.url + "/api/v1/farms?cc=no-store", headers={"Origin": "https://app.pamtalk.kr"}
    )
    assert response.headers["access-control-allow-origin"] == "https://app.pamtalk.kr"


def test_body_over_the_limit_is_413(gateway: Gateway) -> None:
    with gateway.client() as client:
        assert _echo(client.post("/api/v1/farms", content=b"x" * 500_000))["body_size"] == 500_000
        too_big = client.post("/api/v1/farms", content=b"x" * (1024 * 1024 + 1))
    assert too_big.status_code == 413
    assert too_big.json()["type"].endswith("payload-too-large")


def test_a_url_over_the_limit_is_a_414_problem(gateway: Gateway) -> None:
    with gateway.client() as client:
        too_long = client.get("/api/v1/farms?near=" + "1" * 20_000)
    assert too_long.status_code == 414  # declared on every operation of /openapi.json
    assert too_long.headers["content-type"] == "application/problem+json"
    assert too_long.json()["type"].endswith("uri-too-long") and too_long.json()["request_id"]


def test_edge_cache_stores_public_answers_only(gateway: Gateway) -> None:
    public = {"q": "cache", "cc": "public, max-age=60"}
    with gateway.client() as client:
        first = client.get("/api/v1/farms", params=public)
        second = client.get("/api/v1/farms", params=public)
        assert (first.headers["x-cache-status"], second.headers["x-cache-status"]) == ("MISS", "HIT")
        assert first.json()["served"] == second.json()["served"]
        assert second.headers["x-request-id"] != first.headers["x-request-id"]
        # Without Cache-Control, or with no-store, nothing is stored.
        for params in ({"q": "plain"}, {"q": "ns", "cc": "no-store"}, {"q": "z", "cc": "public, max-age=0"}):
            answers = [client.get("/api/v1/farms", params=params) for _ in range(2)]
            assert answers[0].json()["served"] != answers[1].json()["served"]
            assert "HIT" not in [a.headers["x-cache-status"] for a in answers]
        assert "x-cache-status" not in client.get("/api/v1/transactions").headers  # not edge_cache
        posted = client.post("/api/v1/farms", params=public)
        assert posted.json()["method"] == "POST"
        assert posted.json()["served"] != first.json()["served"]


def test_authenticated_request_to_a_public_answer_is_served_from_cache(gateway: Gateway) -> None:
    public = {"q": "shared", "cc": "public, max-age=60"}
    with gateway.client() as client:
        stored = client.get("/api/v1/dashboard", params=public, headers={"Authorization": "Bearer a"})
        again = client.get("/api/v1/dashboard", params=public, headers={"Authorization": "Bearer b"})
        anonymous = client.get("/api/v1/dashboard", params=public)
    assert [r.headers["x-cache-status"] for r in (stored, again, anonymous)] == ["MISS", "HIT", "HIT"]
    assert stored.json()["served"] == again.json()["served"] == anonymous.json()["served"]


def test_an_answer_that_varies_by_caller_is_shared_only_by_anonymous_callers(gateway: Gateway) -> None:
    """A public answer with ``Vary: Authorization`` (a farm without its contacts) is stored
    for callers without a token; a caller with one never gets it from the edge, and its own
    (private) answer neither replaces it nor is stored."""
    anonymous = {"q": "farm-page", "cc": "public, max-age=60", "vary": "Authorization"}
    signed_in = {"q": "farm-page", "cc": "private, max-age=60", "vary": "Authorization"}
    with gateway.client() as client:
        first = client.get("/api/v1/farms", params=anonymous)
        second = client.get("/api/v1/farms", params=anonymous)
        tokens = [
            client.get("/api/v1/farms", params=anonymous, headers={"Authorization": f"Bearer {who}"})
            for who in ("a", "a", "b")
        ]
        third = client.get("/api/v1/farms", params=anonymous)
        private = [
            client.get("/api/v1/farms", params=signed_in, headers={"Authorization": "Bearer a"}) for _ in "ab"
        ]
    assert [r.headers["x-cache-status"] for r in (first, second, third)] == ["MISS", "HIT", "HIT"]
    assert first.json()["served"] == second.json()["served"] == third.json()["served"]
    assert all(r.json()["served"] != first.json()["served"] for r in tokens)
    assert "HIT" not in [r.headers["x-cache-status"] for r in private]
    assert private[0].json()["served"] != private[1].json()["served"]


@pytest.mark.parametrize("auth", [None, "Bearer owner"], ids=["anonymous", "with-token"])
def test_private_answer_is_never_cached(gateway: Gateway, auth: str | None) -> None:
    private = {"q": f"mine-{auth is None}", "cc": "private, max-age=60"}
    headers = {"Authorization": auth} if auth else {}
    with gateway.client() as client:
        answers = [client.get("/api/v1/farms", params=private, headers=headers) for _ in range(3)]
        other = client.get("/api/v1/farms", params=private, headers={"Authorization": "Bearer other"})
    served = [a.json()["served"] for a in [*answers, other]]
    assert len(set(served)) == 4  # every request reached the service
    assert "HIT" not in [a.headers["x-cache-status"] for a in [*answers, other]]


def test_healthz_is_answered_by_nginx(gateway: Gateway) -> None:
    response = httpx.get(gateway.url + "/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_docs_page_and_openapi_documents(gateway: Gateway) -> None:
    with gateway.client() as client:
        page = client.get("/docs")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        for route in ROUTES:
            assert f'href="#{route.service}"' in page.text
        assert "sha256-" in page.headers["content-security-policy"]
        doc = client.get("/openapi/farm.json")
        assert doc.status_code == 200 and doc.json()["info"]["title"] == "farm service"
        platform = client.get("/openapi.json")  # the committed one document, served as a file
        assert platform.status_code == 200 and platform.headers["content-type"] == "application/json"
        assert platform.json() == json.loads(nginx_proc.OPENAPI_DOCUMENT.read_text())
        asset = client.get("/docs/assets/swagger-ui-bundle.js")
        assert asset.status_code in (200, 404)  # 404: fastapi-offline absent, the page uses the CDN


def test_sse_is_not_buffered(gateway: Gateway) -> None:
    start = time.monotonic()
    with httpx.stream("GET", gateway.url + "/api/v1/notifications/stream", timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in response.headers
        chunks = response.iter_text()
        first = next(chunks)
        first_at = time.monotonic() - start
        rest = "".join(chunks)
        end_at = time.monotonic() - start
    assert "data: 1" in first and "data: 2" in rest
    assert end_at - first_at > 0.5  # the first event came a second before the stream ended


@pytest.mark.parametrize("path", ["/docs/", "/openapi/nope.json"])
def test_other_paths(gateway: Gateway, path: str) -> None:
    response = httpx.get(gateway.url + path)
    assert response.status_code in (301, 404)


def test_edge_cache_keeps_an_answer_for_its_max_age(start_gateway: Callable[..., Gateway]) -> None:
    gateway = start_gateway(cache_ttl="1s")
    two_seconds = {"q": "ttl", "cc": "public, max-age=2"}
    with gateway.client() as client:
        first = client.get("/api/v1/ledger", params=two_seconds)
        time.sleep(1.2)  # past the gateway's 1 s TTL, within the service's max-age
        second = client.get("/api/v1/ledger", params=two_seconds)
        assert [first.headers["x-cache-status"], second.headers["x-cache-status"]] == ["MISS", "HIT"]
        assert second.json()["served"] == first.json()["served"]
        time.sleep(2.1)  # nginx counts whole seconds
        # Past the max-age the stale copy answers while a background request refreshes it.
        third = client.get("/api/v1/ledger", params=two_seconds)
        assert third.headers["x-cache-status"] in ("EXPIRED", "STALE")
        time.sleep(0.2)
        fourth = client.get("/api/v1/ledger", params=two_seconds)
    assert fourth.json()["served"] != first.json()["served"]


def test_public_answer_without_max_age_is_kept_for_the_gateway_ttl(
    start_gateway: Callable[..., Gateway],
) -> None:
    gateway = start_gateway(cache_ttl="1s")
    with gateway.client() as client:
        first, second = (client.get("/api/v1/ledger", params={"q": "bare", "cc": "public"}) for _ in range(2))
        assert second.headers["x-cache-status"] == "HIT"
        time.sleep(2.1)
        client.get("/api/v1/ledger", params={"q": "bare", "cc": "public"})
        time.sleep(0.2)
        last = client.get("/api/v1/ledger", params={"q": "bare", "cc": "public"})
    assert first.json()["served"] == second.json()["served"] != last.json()["served"]


def test_no_cache_request_reaches_the_service_and_refreshes_the_edge(gateway: Gateway) -> None:
    public = {"q": "owner-edit", "cc": "public, max-age=60"}
    with gateway.client() as client:
        stored = client.get("/api/v1/farms", params=public)
        fresh = client.get("/api/v1/farms", params=public, headers={"Cache-Control": "no-cache"})
        after = client.get("/api/v1/farms", params=public)
    assert fresh.headers["x-cache-status"] == "BYPASS"
    assert fresh.json()["served"] != stored.json()["served"]
    assert after.headers["x-cache-status"] == "HIT"
    assert after.json()["served"] == fresh.json()["served"]  # everyone now sees the fresh copy


def test_tokens_in_query_strings_are_not_logged(gateway: Gateway) -> None:
    with gateway.client() as client:
        client.get("/api/v1/farms", params={"region": "Jeju", "cc": "no-store"})
        client.get("/api/v1/notifications/stream", params={"access_token": "secret.jwt.value"})
    _logged(gateway, lambda e: e["query"] == "region=Jeju&cc=no-store")
    _logged(gateway, lambda e: e["query"] == "[redacted]")
    assert "secret.jwt.value" not in gateway.access_log()


@pytest.mark.parametrize("byte", FORBIDDEN_IN_HEADERS, ids=lambda b: f"0x{b[0]:02x}")
def test_a_header_nginx_cannot_read_is_a_problem(gateway: Gateway, byte: bytes) -> None:
    """A request whose header holds a NUL or another control character is a 400 problem
    document: nginx refuses a NUL itself (its own answer rendered as a problem, not its HTML
    page) and passes the others on to the service, whose server answers the same."""
    answer = send_raw(gateway.url, idempotent_post("/api/v1/transactions", b"key-" + byte + b"-1"))
    problem = assert_unreadable(answer)
    if byte == b"\x00":  # nginx's own answer: the request id it logs
        assert problem["request_id"] == answer.headers["x-request-id"]
