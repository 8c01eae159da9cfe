"""The project's own PostgreSQL instances: a primary and its streaming hot standby (made
with ``pg_basebackup -R``), and the second farm shard, started with the binaries of
``PAMTALK_PG_BIN`` (default /usr/lib/postgresql/15/bin) as the ``postgres`` user (PostgreSQL
refuses root), with the settings of gateway/postgresql.conf. ``make up`` runs them under
``.data/pg/`` (``PAMTALK_DATA_TIER=own``, unless ``PAMTALK_DATABASE_URL`` is set:
gateway/launcher.py); the tests make a pair of their own in a scratch folder on free ports
(tests/pg_pair.py). The machine's own instance is never touched.

    pair = Pair(Path(".data/pg"), primary_port=5433, standby_port=5434)
    pair.up()        # initdb + start the primary, base backup + start the standby, wait for streaming
    pair.down()      # stop both (the data stays)
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PG_BIN = Path(os.environ.get("PAMTALK_PG_BIN", "/usr/lib/postgresql/15/bin"))
CONF = Path(__file__).with_name("postgresql.conf")
OS_USER = "postgres"
#: The primary's synchronous standbys once its standby streams: any one of them.
SYNC_STANDBYS = "ANY 1 (*)"
DATABASE = "pamtalk"


def _as_owner(cmd: list[str]) -> list[str]:
    """``cmd`` as the ``postgres`` user when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", OS_USER, "--", *cmd]
    return cmd


def _run(cmd: list[str], timeout: float = 120) -> str:
    done = subprocess.run(_as_owner(cmd), capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode:
        raise RuntimeError(f"`{' '.join(cmd)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def _own(path: Path) -> None:
    """A folder the ``postgres`` user may write (made if needed)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        entry = pwd.getpwnam(OS_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    path.chmod(0o700)


@dataclass
class Instance:
    """One PostgreSQL instance of ours: its data folder and port."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def exists(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    @property
    def running(self) -> bool:
        if not self.exists:
            return False
        done = subprocess.run(
            _as_owner([str(PG_BIN / "pg_ctl"), "status", "-D", str(self.data)]),
            capture_output=True,
            check=False,
        )
        return done.returncode == 0

    def configure(self) -> None:
        """Our settings (included) and this instance's port (postgresql.auto.conf, read last)."""
        shutil.copyfile(CONF, self.data / "pamtalk.conf")
        main = self.data / "postgresql.conf"
        if "include = 'pamtalk.conf'" not in main.read_text():
            with main.open("a") as conf:
                conf.write("\ninclude = 'pamtalk.conf'\n")
        auto = self.data / "postgresql.auto.conf"
        lines = [line for line in auto.read_text().splitlines() if not line.startswith("port =")]
        auto.write_text("\n".join([*lines, f"port = {self.port}", ""]))
        if os.geteuid() == 0:
            entry = pwd.getpwnam(OS_USER)
            for path in (self.data / "pamtalk.conf", main, auto):
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def init(self) -> None:
        """Made (``initdb``) if new, configured and started."""
        if not self.exists:
            _own(self.folder)
            initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres"]
            _run([*initdb, "--auth=trust", "-E", "UTF8"])
        self.configure()
        self.start()
        self.create_database()

    def psql(self, query: str) -> str:
        psql = [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        return _run([*psql, "-tAc", query])

    def create_database(self, name: str = DATABASE) -> None:
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip():
            self.psql(f'CREATE DATABASE "{name}"')

    def start(self, timeout: float = 60) -> None:
        if not self.running:
            cmd = [str(PG_BIN / "pg_ctl"), "start", "-w", "-t", str(int(timeout)), "-D", str(self.data)]
            _run([*cmd, "-l", str(self.log)], timeout=timeout + 10)

    def stop(self, mode: str = "fast") -> None:
        if self.running:
            _run([str(PG_BIN / "pg_ctl"), "stop", "-w", "-m", mode, "-D", str(self.data)])

    def promote(self) -> None:
        _run([str(PG_BIN / "pg_ctl"), "promote", "-w", "-D", str(self.data)])


@dataclass
class Pair:
    """A primary and its streaming hot standby, in ``root/primary`` and ``root/standby``."""

    root: Path
    primary_port: int
    standby_port: int

    def __post_init__(self) -> None:
        self.primary = Instance(self.root / "primary", self.primary_port)
        self.standby = Instance(self.root / "standby", self.standby_port)

    def up(self, timeout: float = 120) -> None:
        _own(self.root)
        self.primary.init()
        if not self.standby.exists:
            _own(self.standby.folder)
            _run(
                [
                    str(PG_BIN / "pg_basebackup"),
                    *("-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres"),
                    *("-D", str(self.standby.data), "-R", "-X", "stream", "-c", "fast"),
                ],
                timeout=timeout,
            )
        self.standby.configure()
        self.standby.start()
        self.wait_streaming(timeout)
        self.name_sync_standby()

    def name_sync_standby(self, timeout: float = 60) -> None:
        """The ledger's commits wait for the standby from now on (gateway/sync_standby.py):
        named, and seen synchronous by the primary (a reload takes effect a moment later)."""
        self.primary.psql(f"ALTER SYSTEM SET synchronous_standby_names = '{SYNC_STANDBYS}'")
        self.primary.psql("SELECT pg_reload_conf()")
        synchronous = "SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum')"
        self._until(synchronous, timeout, "not synchronous")

    def wait_streaming(self, timeout: float = 120) -> None:
        """Until the primary sees its standby streaming (or ``RuntimeError`` after ``timeout``)."""
        streaming = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
        self._until(streaming, timeout, "not streaming")

    def _until(self, count: str, timeout: float, failing: str) -> None:
        """Until ``count`` (a count of the primary's standbys) is above 0, or ``RuntimeError``."""
        deadline = time.monotonic() + timeout
        while self.primary.psql(count).strip() in ("", "0"):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the standby on port {self.standby_port} is {failing}: see {self.standby.log}"
                )
            time.sleep(0.2)

    def down(self) -> None:
        self.standby.stop()
        self.primary.stop()


SHARD_LEAD_SECONDS = 60  # the second farm shard's range begins this long after the first start


def own_tier(root: Path) -> tuple[Pair, Instance] | None:
    """What ``make up`` runs (``root/.data/pg``) with ``PAMTALK_DATA_TIER=own`` (the Makefile
    sets it): the pair on ``PAMTALK_PG_PORT`` (5433) and the next port, and the second farm
    shard on the port after; ``None`` otherwise, or when ``PAMTALK_DATABASE_URL`` names a
    PostgreSQL of the caller's."""
    if os.environ.get("PAMTALK_DATA_TIER") != "own" or os.environ.get("PAMTALK_DATABASE_URL"):
        return None
    port = int(os.environ.get("PAMTALK_PG_PORT") or 5433)
    folder = root / ".data" / "pg"
    return Pair(folder, port, port + 1), Instance(folder / "farm-shard-2", port + 2)


def _shard_map(folder: Path, shard: Instance) -> str:
    """The farm shard map of this data folder: chosen at its first start (shard 2's range
    begins a minute later: a boundary in the future, so no farm moves), then kept."""
    path = folder / "farm-shards.json"
    if not path.exists():
        begins = datetime.now(UTC) + timedelta(seconds=SHARD_LEAD_SECONDS)
        path.write_text(json.dumps([{"begins": begins.isoformat(), "url": shard.url()}]) + "\n")
    return path.read_text().strip()


def start_own(root: Path) -> dict[str, str]:
    """Start what ``own_tier`` names (if anything) and give the variables naming it."""
    tier = own_tier(root)
    if tier is None:
        return {}
    pair, shard = tier
    pair.up()
    shard.init()
    return {
        "PAMTALK_DATABASE_URL": pair.primary.url(),
        "PAMTALK_REPLICA_URL": pair.standby.url(),
        "PAMTALK_FARM_SHARDS": _shard_map(pair.root, shard),
    }


def stop_own(root: Path) -> str | None:
    tier = own_tier(root)
    if tier is None or not tier[0].primary.exists:
        return None
    tier[1].stop()
    tier[0].down()
    return f"stopped (data kept in {tier[0].root})"
