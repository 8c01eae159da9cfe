"""HTTP validators of the kit: If-None-Match / If-Match comparison and cached_json's 304."""

from __future__ import annotations

from starlette.requests import Request

from pamtalk.cache import cached_json, etag_matches


def request_with(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw, "query_string": b""})


def test_etag_matching_is_weak_and_takes_lists_and_star() -> None:
    assert etag_matches('"v2"', '"v2"')
    assert etag_matches('W/"v2"', '"v2"')  # a gateway that compresses weakens tags
    assert etag_matches('"v1", "v2"', '"v2"')
    assert etag_matches("*", '"v9"')
    assert not etag_matches('"v1"', '"v2"')
    assert not etag_matches(None, '"v2"') and not etag_matches("", '"v2"')


def test_cached_json_uses_a_given_etag_and_answers_304() -> None:
    fresh = cached_json(request_with({}), b"{}", max_age=60, etag='"v3"')
    assert fresh.status_code == 200 and fresh.headers["etag"] == '"v3"'
    assert fresh.headers["cache-control"] == "public, max-age=60"
    again = cached_json(request_with({"If-None-Match": '"v3"'}), b"{}", max_age=60, etag='"v3"')
    assert again.status_code == 304 and again.body == b""
    hashed = cached_json(request_with({}), b'{"a":1}', max_age=0, public=False, hit=True)
    assert hashed.headers["etag"].startswith('"') and hashed.headers["x-cache"] == "HIT"
    assert hashed.headers["cache-control"] == "private, max-age=0"
