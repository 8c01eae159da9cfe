"""The ``http {}`` level of the generated nginx configuration: maps, zones, logs, gzip, cache.

Every response header is added once at the ``server`` level (``server_headers``) and no
location uses ``add_header``: nginx drops inherited ``add_header`` lines in a location that
has its own, and a forgotten security header is the usual result.
"""

from __future__ import annotations

from gateway.docs_page import docs_csp
from gateway.options import GatewayOptions

PROBLEM_BASE = "https://pamtalk.kr/problems/"  # as pamtalk/errors.py
CORS_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
CORS_HEADERS = (
    "Authorization, Content-Type, Accept, Accept-Language, Idempotency-Key, "
    "If-None-Match, If-Match, Last-Event-ID, X-Request-ID"
)
CORS_EXPOSE = "X-Request-ID, X-Cache-Status, Retry-After, ETag, Location, Link"
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
# Upstream headers the gateway owns: hidden so a response never carries two of them.
HIDDEN_UPSTREAM_HEADERS = (
    "X-Request-ID",
    "X-Powered-By",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Allow-Credentials",
    "Access-Control-Max-Age",
)

LOG_FORMAT = (
    '\'{"time":"$time_iso8601","request_id":"$pamtalk_request_id",'
    '"remote_addr":"$remote_addr","method":"$request_method","endpoint":"$uri",'
    '"query":"$pamtalk_log_args","status":$status,"bytes_sent":$body_bytes_sent,'
    '"response_time":$request_time,"upstream_addr":"$upstream_addr",'
    '"upstream_status":"$upstream_status","upstream_response_time":"$upstream_response_time",'
    '"cache":"$upstream_cache_status","user_agent":"$http_user_agent"}\''
)

ERRORS = {  # status -> (problem type, title, detail): answers nginx gives itself
    # A request nginx cannot read: a NUL in a header, a malformed request line, headers
    # too large (uvicorn behind it answers the same, pamtalk/server.py).
    400: (
        "bad-request",
        "Bad request",
        "The request could not be read: a header or the request line holds a character HTTP "
        "does not allow or is malformed. Nothing was done.",
    ),
    404: ("not-found", "Not found", "No service answers this path."),
    413: ("payload-too-large", "Payload too large", "The request body exceeds the gateway limit."),
    414: ("uri-too-long", "URI too long", "The request line is longer than the gateway reads."),
    429: ("too-many-requests", "Too many requests", "Rate limit exceeded; retry after a second."),
    502: ("bad-gateway", "Bad gateway", "The service could not be reached."),
    503: ("unavailable", "Service unavailable", "The service is unavailable."),
    504: ("gateway-timeout", "Gateway timeout", "The service did not answer in time."),
}


def forwarded_proto(opts: GatewayOptions) -> list[str]:
    """``$pamtalk_forwarded_proto``: how the client reached us. The gateway's own scheme,
    unless the request came from a trusted proxy in front (``trusted_proxies``, the same
    addresses whose X-Forwarded-For is believed) that says https or http: a client cannot
    make the services (or the HSTS header) believe it used TLS."""
    lines = ["    # The scheme the client used: ours, or a trusted proxy's word for it."]
    if not opts.trusted_proxies:
        return [*lines, "    map $scheme $pamtalk_forwarded_proto {", "        default $scheme;", "    }"]
    return [
        *lines,
        "    geo $realip_remote_addr $pamtalk_from_proxy {",
        "        default 0;",
        *[f"        {cidr} 1;" for cidr in opts.trusted_proxies],
        "    }",
        '    map "$pamtalk_from_proxy:$http_x_forwarded_proto" $pamtalk_forwarded_proto {',
        "        default $scheme;",
        '        "1:https" https;',
        '        "1:http" http;',
        "    }",
    ]


def http_maps(opts: GatewayOptions) -> list[str]:
    origins = "".join(f'        "{origin}" $http_origin;\n' for origin in opts.cors_origins)
    return [
        "    # Query strings are logged, except those carrying a token (the SSE stream's access_token).",
        "    map $args $pamtalk_log_args {",
        '        "~*(^|&)access_token=" "[redacted]";',
        "        default $args;",
        "    }",
        "    # X-Request-ID: the caller's when it is well formed, else nginx's own $request_id.",
        "    map $http_x_request_id $pamtalk_request_id {",
        '        "~^[A-Za-z0-9._:-]{1,128}$" $http_x_request_id;',
        "        default $request_id;",
        "    }",
        "    # The edge cache stores only what the service marked public: the same answer for",
        "    # every caller (RFC 9111 3.5), so it is also served to requests with credentials.",
        "    # private, no-store, no-cache or a zero lifetime are never stored, nor is an answer",
        "    # without Cache-Control.",
        "    map $upstream_http_cache_control $pamtalk_uncacheable {",
        "        default 1;",
        '        "~*(no-store|no-cache|private|s-maxage=0\\b|max-age=0\\b)" 1;',
        '        "~*(^|[ ,])public($|[ ,])" 0;',
        "    }",
        "    # A caller that must see the latest (an owner after an edit) sends Cache-Control: no-cache:",
        "    # the request goes to the service and its answer replaces the stored one.",
        "    map $http_cache_control $pamtalk_cache_bypass {",
        "        default 0;",
        '        "~*(no-cache|max-age=0\\b)" 1;',
        "    }",
        "    map $http_origin $pamtalk_cors_origin {",
        '        default "";',
        origins.rstrip("\n"),
        "    }",
        '    map "$request_method:$http_access_control_request_method" $pamtalk_preflight {',
        "        default 0;",
        '        "~^OPTIONS:." 1;',
        "    }",
        '    map "$pamtalk_preflight:$pamtalk_cors_origin" $pamtalk_cors_methods {',
        '        default "";',
        f'        "~^1:." "{CORS_METHODS}";',
        "    }",
        '    map "$pamtalk_preflight:$pamtalk_cors_origin" $pamtalk_cors_headers {',
        '        default "";',
        f'        "~^1:." "{CORS_HEADERS}";',
        "    }",
        '    map "$pamtalk_preflight:$pamtalk_cors_origin" $pamtalk_cors_max_age {',
        '        default "";',
        '        "~^1:." 600;',
        "    }",
        "    map $pamtalk_cors_origin $pamtalk_cors_expose {",
        '        "" "";',
        f'        default "{CORS_EXPOSE}";',
        "    }",
        "    map $uri $pamtalk_csp {",
        f'        default "{API_CSP}";',
        f'        /docs "{docs_csp()}";',
        "    }",
        *forwarded_proto(opts),
        "    map $pamtalk_forwarded_proto $pamtalk_hsts {",
        f'        https "{HSTS}";',
        '        default "";',
        "    }",
        '    map "$status:$upstream_http_retry_after" $pamtalk_retry_after {',
        '        "429:" 1;',
        '        default "";',
        "    }",
    ]


def http_block(opts: GatewayOptions, *, temp_root: str, cache_root: str, access_log: str) -> list[str]:
    lines = [
        "    default_type application/octet-stream;",
        "    types {",
        "        text/html html;",
        "        text/css css;",
        "        application/javascript js;",
        "        application/json json;",
        "        image/png png;",
        "    }",
        "    server_tokens off;",
        "    sendfile on;",
        "    tcp_nopush on;",
        "    keepalive_timeout 65s;",
        "    client_header_timeout 10s;",
        "    client_body_timeout 10s;",
        "    send_timeout 30s;",
        "    absolute_redirect off;",
        f"    client_max_body_size {opts.max_body};",
    ]
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        lines.append(f"    {kind}_temp_path {temp_root}/nginx_{kind}_temp;")
    lines += [
        "",
        f"    log_format pamtalk_json escape=json {LOG_FORMAT};",
        f"    access_log {access_log} pamtalk_json buffer=64k flush=1s;",
        "",
    ]
    if opts.trusted_proxies:
        lines += [f"    set_real_ip_from {cidr};" for cidr in opts.trusted_proxies]
        lines += ["    real_ip_header X-Forwarded-For;", "    real_ip_recursive on;", ""]
    lines += [
        "    # Per-client rate limits (render options / PAMTALK_GATEWAY_*_RATE).",
        f"    limit_req_zone $binary_remote_addr zone=api:20m rate={opts.api_rate};",
        f"    limit_req_zone $binary_remote_addr zone=auth:10m rate={opts.auth_rate};",
        "    limit_req_status 429;",
        "    limit_req_log_level warn;",
        "",
        f"    proxy_cache_path {cache_root} levels=1:2 keys_zone=edge:10m max_size=256m "
        "inactive=10m use_temp_path=off;",
        "",
        "    gzip on;",
        "    gzip_comp_level 5;",
        "    gzip_min_length 512;",
        "    gzip_proxied any;",
        "    gzip_vary on;",
        "    gzip_types application/json application/problem+json text/css application/javascript "
        "text/plain;",
        "",
    ]
    return lines + http_maps(opts)


def server_headers() -> list[str]:
    headers = [
        ("X-Request-ID", "$pamtalk_request_id"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", "$pamtalk_csp"),
        ("Strict-Transport-Security", "$pamtalk_hsts"),
        ("Access-Control-Allow-Origin", "$pamtalk_cors_origin"),
        ("Access-Control-Allow-Methods", "$pamtalk_cors_methods"),
        ("Access-Control-Allow-Headers", "$pamtalk_cors_headers"),
        ("Access-Control-Max-Age", "$pamtalk_cors_max_age"),
        ("Access-Control-Expose-Headers", "$pamtalk_cors_expose"),
        ("Vary", "Origin"),
        ("X-Cache-Status", "$upstream_cache_status"),
        ("Retry-After", "$pamtalk_retry_after"),
    ]
    lines = ["        # Headers with an empty value are not sent."]
    lines += [f'        add_header {name} "{value}" always;' for name, value in headers]
    lines += [f"        proxy_hide_header {name};" for name in HIDDEN_UPSTREAM_HEADERS]
    return lines


def server_proxy_defaults(opts: GatewayOptions) -> list[str]:
    return [
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        "        proxy_set_header Host $host;",
        "        proxy_set_header X-Request-ID $pamtalk_request_id;",
        "        proxy_set_header X-Real-IP $remote_addr;",
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "        proxy_set_header X-Forwarded-Proto $pamtalk_forwarded_proto;",
        "        proxy_set_header X-Forwarded-Host $host;",
        "        # The gateway compresses; a cached body is then never an upstream's gzip.",
        '        proxy_set_header Accept-Encoding "";',
        f"        proxy_connect_timeout {opts.connect_timeout};",
        f"        proxy_send_timeout {opts.read_timeout};",
        f"        proxy_read_timeout {opts.read_timeout};",
        "        # Next replica on a connection error or timeout. nginx never re-sends a POST,",
        "        # PATCH or LOCK that reached a replica (no non_idempotent flag).",
        "        proxy_next_upstream error timeout;",
        "        proxy_next_upstream_tries 2;",
        f"        proxy_next_upstream_timeout {opts.read_timeout};",
        "        proxy_cache off;",
    ]


# Answered before the request line is parsed: no URI yet, and nginx cannot go to a named
# location without one ("empty URI in redirect"), so these go to an internal URI instead.
UNPARSED = (414,)


def _error_target(status: int) -> str:
    return f"/_problem/{status}" if status in UNPARSED else f"@error{status}"


def error_locations() -> list[str]:
    lines = []
    for status in ERRORS:
        lines.append(f"        error_page {status} {_error_target(status)};")
    for status, (kind, title, detail) in ERRORS.items():
        body = (
            f'{{"type":"{PROBLEM_BASE}{kind}","title":"{title}","status":{status},'
            f'"detail":"{detail}","request_id":"$pamtalk_request_id"}}'
        )
        target = _error_target(status)
        lines += [
            f"        location {'= ' if status in UNPARSED else ''}{target} {{",
            *(["            internal;"] if status in UNPARSED else []),
            "            default_type application/problem+json;",
            f"            return {status} '{body}';",
            "        }",
        ]
    return lines
