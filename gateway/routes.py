"""The one route table of the platform.

Everything that needs to know which service answers which path reads it from here:
the generated nginx configurations (``gateway/nginx/*.conf``), the embedded mode's
in-process router, the distributed launcher (ports and replicas), the compose file and
Kubernetes manifests tests. Change a route here, then run ``make gateway``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Service:
    name: str
    port: int  # first replica's port in the distributed mode; containers listen on 8000
    replicas: int = 1  # replicas started by ``make up``
    schema: str = ""  # PostgreSQL schema the service owns

    @property
    def module(self) -> str:
        return f"services.{self.name}.app"

    @property
    def ports(self) -> list[int]:
        """Ports of every local replica: port, port + 10, port + 20 ..."""
        return [self.port + 10 * i for i in range(self.replicas)]


@dataclass(frozen=True)
class Route:
    prefix: str  # path prefix, matched as nginx ``location ^~ prefix``
    service: str
    edge_cache: bool = False  # anonymous GETs may be cached briefly by the gateway
    stream: bool = False  # long-lived response (SSE): no buffering, long read timeout
    rate_zone: str = "api"  # nginx limit_req zone: "api" or the stricter "auth"
    methods: tuple[str, ...] = field(default=())  # informational: empty means all


# glibc's allocator in every service process (the images, and `make up`): at most two arenas
# (else up to eight per core, one grown by each thread that hashed a password or ran a
# model), and blocks of 1 MiB or more mapped on their own, so that freeing one returns it to
# the system (else the threshold rises after the first such free, and argon2id's 19 MiB
# buffers stayed in the heap for good). Measured in docs/performance.md ("Memory").
ALLOCATOR_ENV = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "1048576"}

SERVICES: tuple[Service, ...] = (
    Service("user", 8101, schema="user_svc"),
    Service("farm", 8102, replicas=2, schema="farm_svc"),
    Service("prediction", 8103, schema="prediction_svc"),
    Service("transaction", 8104, schema="transaction_svc"),
    Service("blockchain", 8105, schema="blockchain_svc"),
    Service("notification", 8106, schema="notification_svc"),
)

ROUTES: tuple[Route, ...] = (
    Route("/.well-known/jwks.json", "user", edge_cache=True),
    Route("/api/v1/auth/", "user", rate_zone="auth"),
    Route("/api/v1/users", "user"),
    Route("/api/v1/farms", "farm", edge_cache=True),
    Route("/api/v1/predictions", "prediction", edge_cache=True),
    Route("/api/v1/esg", "prediction", edge_cache=True),
    Route("/api/v1/anomalies", "prediction"),
    Route("/api/v1/transactions", "transaction"),
    Route("/api/v1/dashboard", "transaction", edge_cache=True),
    Route("/api/v1/ledger", "blockchain", edge_cache=True),
    Route("/api/v1/wallets", "blockchain"),
    Route("/api/v1/notifications/stream", "notification", stream=True),
    Route("/api/v1/notifications", "notification"),
)

GATEWAY_PORT = 8080  # nginx in the distributed mode
EMBEDDED_PORT = 8000  # the single process of ``make run``
CONTAINER_PORT = 8000  # every service container (compose, Kubernetes) listens here
K8S_SERVICE_PREFIX = "pamtalk-"  # Kubernetes Service of service ``farm``: ``pamtalk-farm``


def k8s_service_name(name: str, *, canary: bool = False) -> str:
    """The Kubernetes Service that fronts service ``name`` (or its canary Deployment)."""
    return f"{K8S_SERVICE_PREFIX}{name}{'-canary' if canary else ''}"


def service(name: str) -> Service:
    for svc in SERVICES:
        if svc.name == name:
            return svc
    raise KeyError(name)


def route_for(path: str) -> Route | None:
    """The route whose prefix is the longest match for ``path`` (as nginx ``^~`` does)."""
    best: Route | None = None
    for route in ROUTES:
        if path.startswith(route.prefix) and (best is None or len(route.prefix) > len(best.prefix)):
            best = route
    return best
