"""Tunable knobs of the generated nginx configuration.

The checked-in files under ``gateway/nginx/`` are rendered with the defaults below, so they do
not depend on anybody's environment. The launcher (``make up``) renders the local file with
``GatewayOptions.from_env()``: every field can be overridden by a ``PAMTALK_GATEWAY_*``
variable (see ``ENV`` and ``gateway/README.md``).

The rate limits are deliberately generous: a load test from one address at thousands of
requests per second must measure the services, not the limiter. Production should lower
them, e.g. ``PAMTALK_GATEWAY_AUTH_RATE=10r/s``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from gateway.routes import GATEWAY_PORT

# The mobile app's origins: Capacitor (iOS/Android) and Ionic WebViews, and the dev server.
DEFAULT_CORS_ORIGINS: tuple[str, ...] = (
    "capacitor://localhost",
    "ionic://localhost",
    "http://localhost",
    "https://localhost",
)

_RATE = re.compile(r"^[1-9][0-9]*r/[sm]$")
_SIZE = re.compile(r"^[1-9][0-9]*[kKmM]?$")
_TIME = re.compile(r"^[1-9][0-9]*(ms|s|m|h)?$")
_ORIGIN = re.compile(r"^[a-z][a-z0-9+.-]*://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


@dataclass(frozen=True)
class GatewayOptions:
    api_rate: str = "10000r/s"  # per client address, zone "api"
    api_burst: int = 20000
    auth_rate: str = "500r/s"  # per client address, zone "auth" (login, register, refresh)
    auth_burst: int = 1000
    cache_ttl: str = "5s"  # edge lifetime of a public 200 without max-age (else the service's max-age)
    max_body: str = "1m"  # client_max_body_size: larger bodies get 413
    connect_timeout: str = "2s"  # a dead replica is skipped quickly
    read_timeout: str = "30s"  # a request's upstream answer
    stream_timeout: str = "1h"  # SSE streams
    # Per nginx worker: each client on keep-alive holds one, each proxied request one more.
    # 10,000 clients on 2 workers need > 5,000 each (and as many open files: ulimit -n).
    worker_connections: int = 16384
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    listen_host: str = "127.0.0.1"  # local target only; containers listen on every address
    gateway_port: int = GATEWAY_PORT
    port_offset: int = 0  # local target: added to every replica port of the route table
    # local target: replica ports per service, replacing the route table's (tests use it)
    upstream_ports: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    namespace: str = ""  # k8s target: use <svc>.<namespace>.svc.cluster.local when set
    trusted_proxies: tuple[str, ...] = ()  # CIDRs whose X-Forwarded-For is believed

    def __post_init__(self) -> None:
        for name, pattern in (("api_rate", _RATE), ("auth_rate", _RATE)):
            _check(name, getattr(self, name), pattern, "like 100r/s or 30r/m")
        _check("max_body", self.max_body, _SIZE, "like 1m or 512k")
        for name in ("cache_ttl", "connect_timeout", "read_timeout", "stream_timeout"):
            _check(name, getattr(self, name), _TIME, "like 5s or 1h")
        for origin in self.cors_origins:
            _check("cors_origins", origin, _ORIGIN, "origins like https://app.example.com")
        if not 512 <= self.worker_connections <= 1_000_000:
            raise ValueError(f"worker_connections out of range: {self.worker_connections}")
        if self.api_burst < 1 or self.auth_burst < 1:
            raise ValueError("bursts must be positive")
        if not 0 < self.gateway_port < 65536:
            raise ValueError(f"gateway_port out of range: {self.gateway_port}")
        if not re.fullmatch(r"[a-z0-9.:-]*", self.namespace + self.listen_host):
            raise ValueError("namespace / listen_host hold unexpected characters")
        for cidr in self.trusted_proxies:
            _check("trusted_proxies", cidr, re.compile(r"^[0-9a-fA-F.:/]+$"), "CIDRs")

    def ports(self, name: str, default: list[int]) -> list[int]:
        if name in self.upstream_ports:
            return list(self.upstream_ports[name])
        return [port + self.port_offset for port in default]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GatewayOptions:
        """Defaults overridden by ``PAMTALK_GATEWAY_<FIELD>`` (and ``PAMTALK_PORT_OFFSET``)."""
        env = os.environ if environ is None else environ
        changes: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(ENV.get(f.name, ""))
            if raw is None or raw == "":
                continue
            if f.name == "cors_origins":
                extra = tuple(o.strip() for o in raw.split(",") if o.strip())
                changes[f.name] = tuple(dict.fromkeys(DEFAULT_CORS_ORIGINS + extra))
            elif f.name == "trusted_proxies":
                changes[f.name] = tuple(o.strip() for o in raw.split(",") if o.strip())
            elif f.name in ("api_burst", "auth_burst", "gateway_port", "port_offset", "worker_connections"):
                changes[f.name] = int(raw)
            else:
                changes[f.name] = raw
        return replace(cls(), **changes)  # type: ignore[arg-type]


ENV: dict[str, str] = {
    "api_rate": "PAMTALK_GATEWAY_API_RATE",
    "api_burst": "PAMTALK_GATEWAY_API_BURST",
    "auth_rate": "PAMTALK_GATEWAY_AUTH_RATE",
    "auth_burst": "PAMTALK_GATEWAY_AUTH_BURST",
    "cache_ttl": "PAMTALK_GATEWAY_CACHE_TTL",
    "max_body": "PAMTALK_GATEWAY_MAX_BODY",
    "connect_timeout": "PAMTALK_GATEWAY_CONNECT_TIMEOUT",
    "read_timeout": "PAMTALK_GATEWAY_READ_TIMEOUT",
    "stream_timeout": "PAMTALK_GATEWAY_STREAM_TIMEOUT",
    "worker_connections": "PAMTALK_GATEWAY_WORKER_CONNECTIONS",
    "cors_origins": "PAMTALK_GATEWAY_CORS_ORIGINS",  # extra origins, comma-separated
    "listen_host": "PAMTALK_GATEWAY_HOST",
    "gateway_port": "PAMTALK_GATEWAY_PORT",
    "port_offset": "PAMTALK_PORT_OFFSET",
    "namespace": "PAMTALK_GATEWAY_K8S_NAMESPACE",
    "trusted_proxies": "PAMTALK_GATEWAY_TRUSTED_PROXIES",
}


def _check(name: str, value: str, pattern: re.Pattern[str], hint: str) -> None:
    if not pattern.match(value):
        raise ValueError(f"gateway option {name}={value!r} is not valid: expected {hint}")
