"""The fault drill's own backing services (``python -m loadtests.faults``): a PostgreSQL and a
Redis it may restart, and a cuttable TCP proxy in front of the machine's RabbitMQ. The
machine's own PostgreSQL, Redis and RabbitMQ are never stopped or restarted.

PostgreSQL is an instance of the project's data tier (gateway/datatier.py: the binaries of
``PAMTALK_PG_BIN``, run as the ``postgres`` user, the settings of gateway/postgresql.conf) in
a scratch folder on a free port; Redis is ``redis-server`` on a free port without
persistence (as the platform uses it: caches, sessions, rate limits).
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import redis

from gateway import datatier
from loadtests.tcp_proxy import TcpProxy, free_port

RABBITMQ = ("127.0.0.1", 5672)


@dataclass
class OwnPostgres:
    """One PostgreSQL instance of the project's data tier, in ``folder`` on a free port."""

    folder: Path
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self.instance = datatier.Instance(self.folder / "pg", self.port)

    @property
    def url(self) -> str:
        return self.instance.url().replace("postgresql://", "postgresql+asyncpg://", 1)

    def up(self) -> None:
        datatier._own(self.instance.folder)
        if not self.instance.exists:
            initdb = [str(datatier.PG_BIN / "initdb"), "-D", str(self.instance.data)]
            datatier._run([*initdb, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        self.instance.configure()
        self.instance.start()
        asyncio.run(self._create_database())

    async def _create_database(self) -> None:
        admin = await asyncpg.connect(self.instance.url("postgres"), timeout=10)
        try:
            if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", datatier.DATABASE):
                await admin.execute(f'CREATE DATABASE "{datatier.DATABASE}"')
        finally:
            await admin.close()

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every session is ended, the server down for a moment."""
        pg_ctl = [str(datatier.PG_BIN / "pg_ctl"), "restart", "-w", "-m", "fast"]
        datatier._run([*pg_ctl, "-D", str(self.instance.data), "-l", str(self.instance.log)])

    def down(self) -> None:
        self.instance.stop("immediate")


@dataclass
class OwnRedis:
    """``redis-server`` on a free port, nothing kept on disk; restarted on the same port."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 30) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        cmd = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        cmd += ["--dir", str(self.folder), "--maxclients", "10000"]
        with open(self.folder / "redis.log", "ab") as log:
            self.process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        while True:
            try:
                if client.ping():
                    client.close()
                    return
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"redis-server did not start: see {self.folder / 'redis.log'}"
                    ) from None
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        """Killed (as a crashed or rescheduled Redis) and started again on the same port."""
        self.kill()
        self.start()


def scratch_folder() -> Path:
    """A fresh temporary folder the ``postgres`` user can pass through to its data folder."""
    folder = Path(tempfile.mkdtemp(prefix="pamtalk-drill-"))
    folder.chmod(0o755)
    return folder


def broker_proxy() -> TcpProxy:
    """A proxy to the machine's RabbitMQ: cutting it is the broker's outage for the platform."""
    return TcpProxy(*RABBITMQ)


async def delete_topology(prefix: str, url: str = f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}/") -> None:
    """Remove the exchange and queues a run with ``PAMTALK_AMQP_PREFIX=prefix`` declared."""
    import aio_pika

    from pamtalk.bus import AmqpBus

    bus = AmqpBus(url, queue_prefix=prefix)
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        for name in bus.declared_queues():
            await channel.queue_delete(name)
        await channel.exchange_delete(bus.exchange_name)
