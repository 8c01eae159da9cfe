"""compose.yaml is valid (Debian's docker-compose, offline) and matches the route table; the
Dockerfiles share one dependency layer, install only the lock (wheels, no compiler), run as
a non-root user, are healthchecked and copy only their service."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from containers.lock import disagreements
from gateway.routes import GATEWAY_PORT, SERVICES
from k8s.config import EXTRAS, MIGRATE, MIGRATE_DOCKERFILE, ROOT
from k8s.dockerfiles import shared_layer
from tests.k8s.tools import require_tool

COMPOSE = ROOT / "compose.yaml"
NAMES = [svc.name for svc in SERVICES]


@pytest.fixture(scope="module")
def resolved() -> dict:
    """The compose file as docker-compose itself reads it (variables resolved)."""
    tool = require_tool("docker-compose", "docker-compose")
    cmd = [tool, "-f", str(COMPOSE), "--project-directory", str(ROOT), "config"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return yaml.safe_load(proc.stdout)


def test_compose_has_the_whole_stack(resolved: dict) -> None:
    services = resolved["services"]
    expected = {"postgres", "redis", "rabbitmq", "gateway", "prometheus", "grafana", "jaeger"}
    expected |= set(NAMES) | {f"{n}-migrate" for n in NAMES}
    assert expected <= set(services)


def test_every_service_and_port_matches_the_route_table(resolved: dict) -> None:
    services = resolved["services"]
    for svc in SERVICES:
        app = services[svc.name]
        assert app["expose"] == ["8000"]
        assert app["deploy"]["replicas"] == svc.replicas
        assert app["build"]["dockerfile"] == f"services/{svc.name}/Dockerfile"
        assert app["depends_on"][f"{svc.name}-migrate"]["condition"] == "service_completed_successfully"
        assert "/readyz" in " ".join(app["healthcheck"]["test"])
        assert "ports" not in app  # only the gateway is published
        migrate = services[f"{svc.name}-migrate"]
        assert migrate["command"] == ["python", "-m", "pamtalk.migrate", svc.name]
        assert migrate["build"]["dockerfile"] == MIGRATE_DOCKERFILE
    published = [p for p in services["gateway"]["ports"]]
    assert [(int(p["published"]), int(p["target"])) for p in published] == [(GATEWAY_PORT, GATEWAY_PORT)]
    conf = (ROOT / "gateway" / "nginx" / "compose.conf").read_text()
    upstream_hosts = set(re.findall(r"server ([a-z-]+):8000", conf))
    assert upstream_hosts == set(NAMES)


def test_traces_and_dashboard_are_wired(resolved: dict) -> None:
    services = resolved["services"]
    env = services["farm"]["environment"]
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4318"
    assert services["jaeger"]["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"
    mounts = " ".join(str(v) for v in services["grafana"]["volumes"])
    assert "monitoring/grafana/provisioning" in mounts and "monitoring/grafana/dashboards" in mounts


def test_compose_file_holds_no_secret() -> None:
    text = COMPOSE.read_text()
    assert "PRIVATE_KEY=" not in text and "SIGNING_KEY=" not in text  # passed through, never set


def _python_dockerfiles() -> dict[str, str]:
    files = {name: ROOT / "services" / name / "Dockerfile" for name in NAMES}
    files[MIGRATE] = ROOT / MIGRATE_DOCKERFILE
    return {name: path.read_text() for name, path in files.items()}


def test_every_python_image_opens_with_the_shared_dependency_layer() -> None:
    """The same lines (so the builder makes those layers once for all images) install the
    locked dependencies without resolving anything, from wheels only, and check them."""
    for name, text in _python_dockerfiles().items():
        body = text.split("\n\n", 1)[1]  # after the header comment, which names the image
        assert body.startswith(shared_layer()), f"{name}: the shared layer must open the Dockerfile"
    shared = shared_layer()
    assert re.search(r"^ARG PYTHON_IMAGE=python:\d+\.\d+\.\d+-slim-", shared, flags=re.M)
    assert "pip install --no-deps --only-binary=:all: -r /opt/requirements/base.txt" in shared
    assert "pip check" in shared and "--uid 10001" in shared
    assert "build-essential" not in shared and " gcc" not in shared  # no compiler in any image


@pytest.mark.parametrize("name", NAMES)
def test_service_dockerfile(name: str) -> None:
    text = (ROOT / "services" / name / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, flags=re.M)) == 1  # nothing built: wheels only
    copies = re.findall(r"^COPY (?:--\S+ )*(\S+)", text, flags=re.M)
    services_copied = {c for c in copies if c.startswith("services/") and c != "services/__init__.py"}
    assert services_copied == {f"services/{name}/"}, "only this service's code"
    extra = EXTRAS.get(name)
    locks = set(re.findall(r"-r /opt/requirements/(\w+)\.txt", text))
    assert locks == ({"base", extra} if extra else {"base"})
    assert re.search(r"^USER 10001:10001", text, flags=re.M)
    assert "HEALTHCHECK" in text and "/readyz" in text and "UVICORN_PORT" in text
    assert f'"services.{name}.app:app"' in text and "WEB_CONCURRENCY" in text
    # the code comes last: a code change rebuilds only the layers after the dependencies
    assert text.index("COPY pamtalk/") > text.rindex("pip install")


def test_migration_image_holds_every_service_and_runs_the_migrations() -> None:
    text = (ROOT / MIGRATE_DOCKERFILE).read_text()
    assert "COPY services/ services/" in text and "COPY pamtalk/ pamtalk/" in text
    assert '"pamtalk.migrate"' in text and re.search(r"^USER 10001:10001", text, flags=re.M)
    assert "/opt/requirements/" in text and "ml.txt" not in text and "chain.txt" not in text


def test_the_lock_agrees_with_pyproject() -> None:
    assert disagreements() == [], "run `python -m containers.lock`"


def test_gateway_dockerfile() -> None:
    text = (ROOT / "gateway" / "Dockerfile").read_text()
    assert "render(" in text and "AS render" in text
    assert re.search(r"^USER 101:101", text, flags=re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert re.search(r"^ARG NGINX_IMAGE=nginx:\d+\.\d+\.\d+", text, flags=re.M)
