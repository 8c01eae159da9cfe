"""Settings shared by every service (pydantic-settings).

Each service subclasses ``ServiceSettings`` with its own prefix, e.g. ``PAMTALK_FARM_``.
A field is read from ``PAMTALK_FARM_<FIELD>`` first, then from the shared
``PAMTALK_<FIELD>``, then the default. Defaults are safe for a laptop; in production
(``PAMTALK_ENV=production``) a service refuses to start with the development secrets.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

DEV_MARKER = "development-only"
#: PostgreSQL's ``synchronous_commit`` values a service may ask for ("": the server's default).
SynchronousCommit = Literal["", "local", "on", "remote_write", "remote_apply"]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAMTALK_", extra="ignore")
    SERVICE: ClassVar[str] = ""

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/pamtalk"
    # A streaming read replica of the database (unset: every read goes to the primary).
    # Reads of role "replica" go there while it lags at most replica_max_lag_seconds; a user's
    # read after their own write waits up to replica_wait_seconds for it, else reads the primary.
    replica_url: str = ""
    replica_max_lag_seconds: float = Field(default=5.0, gt=0)
    replica_wait_seconds: float = Field(default=0.25, ge=0)
    # When this service's commits return (PostgreSQL's synchronous_commit for its connections;
    # empty: the server's default). "on" waits until a synchronous standby has the commit on
    # disk, so losing the primary loses none of them (the blockchain service: its ledger);
    # gateway/postgresql.conf names the standby and leaves every other service at "local".
    db_synchronous_commit: SynchronousCommit = ""
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # seconds a request keeps trying to open a connection while PostgreSQL restarts (then 503)
    db_reconnect_seconds: float = 5.0
    redis_url: str = "redis://127.0.0.1:6379/0"  # "fake" = in-process stand-in
    bus: Literal["memory", "amqp"] = "amqp"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    # Prefix of the exchange and queue names: lets two deployments (or a test run beside a
    # developer's `make up`) share one RabbitMQ without taking each other's messages.
    amqp_prefix: str = ""
    # Unacknowledged events a consumer queue takes at once: each one in hand waits for a
    # database connection, so a high value lets an event burst take the pool from requests.
    consumer_prefetch: int = 4
    # Queues whose handler takes batches (the kit's inbox): at most this many events in one
    # transaction and one ack (1: one at a time), and how long an event waits for others.
    consumer_batch: int = 16
    consumer_batch_wait: float = 0.02
    jwks_url: str = "http://127.0.0.1:8080/.well-known/jwks.json"
    jwt_issuer: str = "pamtalk-user-service"
    jwt_audience: str = "pamtalk"
    log_level: str = "INFO"
    log_json: bool = True
    # Service access log: "errors" logs 5xx answers and requests slower than a second (the
    # gateway's access log has every request with its id, status and timings); "all" logs
    # every request (the embedded mode has no gateway log: set it there when you need one).
    access_log: Literal["all", "errors"] = "errors"
    # Objects allocated (net) before a young-generation collection; 0 keeps Python's 700.
    gc_threshold: int = Field(default=50_000, ge=0)
    outbox_poll_seconds: float = 1.0
    # After a commit wakes the relay, how long it waits for more before publishing (one round).
    outbox_coalesce_seconds: float = 0.02
    # Largest request body a service reads (413 problem beyond it, before anything is parsed).
    # Every request body of the API is a few kilobytes; the gateway's outer limit is 1 MiB.
    max_body_bytes: int = Field(default=65_536, ge=1024)
    public_base_url: str = "http://localhost:8080"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        own = EnvSettingsSource(settings_cls, env_prefix=f"PAMTALK_{cls.SERVICE.upper()}_")
        shared = EnvSettingsSource(settings_cls, env_prefix="PAMTALK_")
        if not cls.SERVICE:
            return (init_settings, shared, file_secret_settings)
        return (init_settings, own, shared, file_secret_settings)

    @property
    def db_schema(self) -> str:
        return f"{self.SERVICE}_svc"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> ServiceSettings:
        if self.production:
            for name, value in self.secret_values().items():
                if not value or DEV_MARKER in value:
                    raise ValueError(
                        f"PAMTALK_{self.SERVICE.upper()}_{name.upper()} must be set to a real secret "
                        "when PAMTALK_ENV=production (the development default is refused)"
                    )
        return self

    def secret_values(self) -> dict[str, Any]:
        """Secrets of this service that must not keep their development defaults."""
        return {}


def settings_for(service: str = "") -> ServiceSettings:
    """The kit's settings as service ``service`` reads them (its own ``PAMTALK_<SERVICE>_``
    variables first, then the shared ones, then the defaults); ``""``: the shared ones.
    Tools use this rather than reading the environment again (one precedence, one default)."""
    if not service:
        return ServiceSettings()
    cls = type(f"{service.title()}KitSettings", (ServiceSettings,), {"SERVICE": service})
    return cls()
