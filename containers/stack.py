"""``make up-containers`` / ``make down-containers``: the platform from its images, played
from the Kubernetes manifests (``k8s/overlays/local``) with ``podman kube play``, against
this machine's PostgreSQL, Redis and RabbitMQ.

    python -m containers.stack up       # migrations, then the six services, then the gateway
    python -m containers.stack down     # every pod stopped within its grace period, removed
    python -m containers.stack status   # the pods and what their probes answer

Up runs what Kubernetes would: the migration Jobs first, each waited for; then the
Deployments, each judged by its own startupProbe and readinessProbe (kube play runs neither);
then the gateway on http://127.0.0.1:8080. A pod that exits or fails its readiness probe is
named with its last log lines, and the command fails. The backing services come from
``PAMTALK_DATABASE_URL``, ``PAMTALK_REDIS_URL`` and ``PAMTALK_AMQP_URL`` (the defaults of
``make up``), with ``PAMTALK_AMQP_PREFIX`` when set. The secrets are made here: the URLs,
and signing keys generated once and kept in ``.run/containers/keys``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from containers.images import commit_tag
from containers.play import NOT_APPLIED, Plan, PodPlan, plan
from containers.podman import STATE, ContainerError, Podman, run_command
from gateway import backing
from gateway.routes import SERVICES
from k8s import config as c
from k8s import local
from k8s.kustomize import build

Say = Callable[[str], None]
LOG_LINES = 20
KEYS = {"user": ("JWT_PRIVATE_KEY",), "blockchain": ("LEDGER_SIGNING_KEY",)}


@dataclass(frozen=True)
class Stack:
    """One platform in containers on this machine; tests run a second one beside it."""

    prefix: str = "pamtalk-"
    port_offset: int = 0
    database_url: str = field(default_factory=lambda: backing.POSTGRES.url())
    redis_url: str = field(default_factory=lambda: backing.REDIS.url())
    amqp_url: str = field(default_factory=lambda: backing.RABBITMQ.url())
    amqp_prefix: str = field(default_factory=lambda: os.environ.get("PAMTALK_AMQP_PREFIX", ""))
    state: Path = STATE
    tag: str = field(default_factory=commit_tag)
    ready_within: float = 90.0  # seconds a started pod has to pass its readiness probe

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{local.gateway_port(self.port_offset)}"

    def objects(self) -> list[dict]:
        """The local overlay, rendered (moved by ``port_offset`` when there is one)."""
        folder = c.K8S / "overlays" / local.NAME
        if not self.port_offset:
            return build(folder)
        with tempfile.TemporaryDirectory() as tmp:
            for name, content in local.overlay_files(self.port_offset, str(c.K8S / "base")).items():
                Path(tmp, name).write_text(yaml.safe_dump_all(content, sort_keys=False))
            return build(Path(tmp))

    def plan(self) -> Plan:
        return plan(self.objects(), prefix=self.prefix, tag=self.tag)

    def backing_env(self) -> dict[str, str]:
        return {
            backing.POSTGRES.env: self.database_url,
            backing.REDIS.env: self.redis_url,
            backing.RABBITMQ.env: self.amqp_url,
        }

    def secrets(self) -> dict[str, dict[str, str]]:
        """Secret name (as podman knows it) -> its values, as the templates in k8s/secrets/ list them."""
        out = {}
        for svc in SERVICES:
            values = {key: "" for key in c.secret_keys(svc)}
            prefix = f"PAMTALK_{svc.name.upper()}_"
            values[prefix + "DATABASE_URL"] = self.database_url
            values[prefix + "REDIS_URL"] = self.redis_url
            values[prefix + "AMQP_URL"] = self.amqp_url
            if self.amqp_prefix:
                values[prefix + "AMQP_PREFIX"] = self.amqp_prefix
            for key in KEYS.get(svc.name, ()):
                values[prefix + key] = self.signing_key(f"{svc.name}-{key.lower()}")
            out[f"{self.prefix}{svc.name}-secrets"] = values
        return out

    def signing_key(self, name: str) -> str:
        """An Ed25519 private key (PEM), made on first use and kept for later starts."""
        path = self.state / "keys" / f"{self.prefix}{name}.pem"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            path.touch(mode=0o600)
            path.write_bytes(pem)
        return path.read_text()


def _probe(port: int, probe: dict) -> tuple[bool, str]:
    """One HTTP probe as the kubelet runs it: 200-399 passes."""
    url = f"http://127.0.0.1:{port}{probe['httpGet']['path']}"
    try:
        with urllib.request.urlopen(url, timeout=probe.get("timeoutSeconds", 1)) as answer:
            return True, f"GET {url} answered {answer.status}"
    except urllib.error.HTTPError as exc:
        return False, f"GET {url} answered {exc.code} {exc.read(300).decode(errors='replace')}"
    except (urllib.error.URLError, OSError) as exc:
        return False, f"GET {url} failed: {getattr(exc, 'reason', exc)}"


class Runner:
    """Plays and watches the pods of one stack."""

    def __init__(self, stack: Stack, say: Say = print) -> None:
        self.stack = stack
        self.say = say
        self.podman = Podman(stack.state)

    def state(self, container: str) -> tuple[str, int, int]:
        """(status, exit code, restart count) of a container; ("missing", -1, 0) when there is none."""
        proc = self.podman.run(
            "inspect",
            "--format",
            "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}",
            container,
            check=False,
        )
        if proc.returncode != 0:
            return "missing", -1, 0
        status, code, restarts = proc.stdout.split()
        return status, int(code), int(restarts)

    def failure(self, pod: PodPlan, what: str) -> ContainerError:
        logs = self.podman.logs(pod.container, LOG_LINES)
        return ContainerError(f"{pod.name} ({pod.container}) {what}\n--- its last log lines:\n{logs}")

    def remove(self, pods: list[PodPlan]) -> None:
        """The pods and the volumes kube play made of their ConfigMaps and emptyDirs (it
        would reuse stale ones)."""
        self.podman.run("pod", "rm", "-f", "--ignore", *(p.pod for p in pods), check=False)
        volumes = [v for p in pods for v in p.volumes]
        if volumes:
            self.podman.run("volume", "rm", "-f", *volumes, check=False)

    def play(self, pod: PodPlan) -> None:
        self.remove([pod])
        text = yaml.safe_dump_all(pod.documents, sort_keys=False)
        self.podman.run("kube", "play", "-", stdin=text, timeout=300)

    def check_images(self, plan_: Plan) -> None:
        images = {image for pod in plan_.pods for image in pod.images}
        missing = sorted(i for i in images if not self.podman.image_exists(i))
        if missing:
            raise ContainerError(f"images not built: {', '.join(missing)}: run `make images`")

    def create_secret(self, name: str, values: dict[str, str]) -> None:
        """A podman secret as kube play reads a Secret: JSON of base64 values, by name."""
        encoded = {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}
        self.podman.run("secret", "rm", name, check=False)
        self.podman.run("secret", "create", name, "-", stdin=json.dumps(encoded))

    def create_secrets(self) -> None:
        for name, values in self.stack.secrets().items():
            self.create_secret(name, values)

    def migrate(self, pods: list[PodPlan]) -> None:
        for pod in pods:
            self.play(pod)
        started = time.monotonic()
        waiting = list(pods)
        while waiting:
            for pod in list(waiting):
                status, code, _ = self.state(pod.container)
                if status == "exited" and code == 0:
                    waiting.remove(pod)
                    self.say(f"migrated: {pod.name}")
                elif status in ("exited", "missing"):
                    raise self.failure(pod, f"failed (exit code {code})")
                elif time.monotonic() - started > (pod.deadline or 600):
                    raise self.failure(pod, f"did not finish within activeDeadlineSeconds ({pod.deadline})")
            time.sleep(0.5)

    def wait_ready(self, pods: list[PodPlan]) -> None:
        """Run each pod's startup probe, then its readiness probe, as the kubelet would."""
        begun = time.monotonic()
        started: dict[str, float] = {}
        last: dict[str, str] = {}
        waiting = list(pods)
        while waiting:
            for pod in list(waiting):
                status, code, restarts = self.state(pod.container)
                if status != "running" or restarts:
                    raise self.failure(
                        pod, f"stopped while starting ({status}, exit code {code}, {restarts} restarts)"
                    )
                assert pod.port is not None
                startup = pod.probes.get("startupProbe")
                if pod.name not in started:
                    ok, last[pod.name] = _probe(pod.port, startup) if startup else (True, "")
                    if ok:
                        started[pod.name] = time.monotonic()
                    elif startup and time.monotonic() - begun > startup.get(
                        "periodSeconds", 10
                    ) * startup.get("failureThreshold", 3):
                        raise self.failure(pod, f"failed its startup probe: {last[pod.name]}")
                    continue
                ok, last[pod.name] = _probe(pod.port, pod.probes["readinessProbe"])
                if ok:
                    waiting.remove(pod)
                    self.say(f"ready: {pod.name} on 127.0.0.1:{pod.port} ({time.monotonic() - begun:.0f} s)")
                elif time.monotonic() - started[pod.name] > self.stack.ready_within:
                    raise self.failure(pod, f"failed its readiness probe: {last[pod.name]}")
            time.sleep(0.5)

    def stop(self, pods: list[PodPlan]) -> None:
        """SIGTERM to every pod at once, SIGKILL after its grace period; then removed."""
        graces = sorted({pod.grace for pod in pods})
        procs = [
            subprocess.Popen(
                [self.podman.binary, "pod", "stop", "--ignore", "-t", str(grace)]
                + [pod.pod for pod in pods if pod.grace == grace],
                env=self.podman.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for grace in graces
        ]
        for proc in procs:
            proc.wait()
        self.remove(pods)


def up(stack: Stack, say: Say = print) -> Plan:
    runner = Runner(stack, say)
    plan_ = stack.plan()
    runner.check_images(plan_)
    problems = backing.missing(stack.backing_env())
    if problems:
        raise ContainerError("\n".join(problems))
    runner.create_secrets()
    start = time.monotonic()
    runner.migrate(plan_.migrations)
    for pod in plan_.services:
        runner.play(pod)
    runner.wait_ready(plan_.services)
    runner.play(plan_.gateway)
    runner.wait_ready([plan_.gateway])
    took = time.monotonic() - start
    say(f"\nPAM-TALK is up in containers ({stack.tag}) in {took:.0f} s: {stack.gateway_url}")
    say("Played from k8s/overlays/local; not played (Kubernetes objects kube play cannot express):")
    for line in plan_.left_out:
        say(f"  - {line}")
    say("Not applied by kube play:")
    for line in NOT_APPLIED:
        say(f"  - {line}")
    return plan_


def down(stack: Stack, say: Say = print) -> None:
    runner = Runner(stack, say)
    plan_ = stack.plan()
    runner.stop([plan_.gateway])  # first: no new requests reach the services
    runner.stop([*plan_.services, *plan_.migrations])
    runner.podman.run("secret", "rm", *stack.secrets(), check=False)
    say("PAM-TALK containers stopped and removed")


def status(stack: Stack, say: Say = print) -> None:
    runner = Runner(stack, say)
    plan_ = stack.plan()
    for pod in plan_.pods:
        state, code, restarts = runner.state(pod.container)
        line = f"{pod.name:<22} {state:<8} restarts {restarts}"
        if pod.kind == "Job":
            line += f" exit code {code}" if state == "exited" else ""
        elif state == "running" and pod.port:
            line += "  " + _probe(pod.port, pod.probes["readinessProbe"])[1]
        say(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("up", "down", "status"))
    args = parser.parse_args(argv)
    action = {"up": up, "down": down, "status": status}[args.command]
    return run_command(f"make {args.command}-containers", lambda: action(Stack()))


if __name__ == "__main__":
    raise SystemExit(main())
