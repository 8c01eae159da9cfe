"""A request no HTTP parser will read (a NUL or another control character in the
``Idempotency-Key`` header) is a 400 problem document in the distributed mode (``make up``):
from nginx, which refuses a NUL itself, and from every service's server behind it, reached
through the gateway or directly (issue 16, finding 11)."""

from __future__ import annotations

import pytest

from gateway.routes import SERVICES
from tests.e2e.harness import Distributed
from tests.raw_http import FORBIDDEN_IN_HEADERS, assert_unreadable, idempotent_post, send_raw

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


@pytest.mark.parametrize("byte", FORBIDDEN_IN_HEADERS, ids=lambda b: f"0x{b[0]:02x}")
def test_through_the_gateway(platform: Distributed, byte: bytes) -> None:
    assert_unreadable(send_raw(platform.gateway_url, idempotent_post("/api/v1/transactions", b"k" + byte)))


def test_every_service_process_answers_a_problem(platform: Distributed) -> None:
    for svc in SERVICES:
        for url in platform.service_urls(svc.name):
            assert_unreadable(send_raw(url, idempotent_post("/api/v1/transactions", b"k\x00")))
